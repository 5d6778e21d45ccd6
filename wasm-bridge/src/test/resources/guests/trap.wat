;; Hostile: executes unreachable.
(module
  (memory (export "memory") 1)
  (func (export "__xerv_alloc") (param i32) (result i32) (i32.const 4096))
  (func (export "__xerv_execute") (param i32 i32) (result i32) unreachable))
