;; Hostile: divides by zero.
(module
  (memory (export "memory") 1)
  (func (export "__xerv_alloc") (param i32) (result i32) (i32.const 4096))
  (func (export "__xerv_execute") (param $p i32) (param $n i32) (result i32)
    (i32.div_s (local.get $n) (i32.sub (local.get $n) (local.get $n)))))
