(module
  (memory (export "memory") 1)
  (func (export "__xerv_alloc") (param i32) (result i32) (i32.const 4096)))
