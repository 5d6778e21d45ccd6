;; The trivial guest of the call-overhead benchmark: ABI v1 exports that do nothing.
(module
  (memory (export "memory") 1)
  (func (export "__xerv_alloc") (param i32) (result i32) (i32.const 4096))
  (func (export "__xerv_execute") (param i32 i32) (result i32) (i32.const 0)))
