;; Hostile: recurses without end.
(module
  (memory (export "memory") 1)
  (func $down (param $n i32) (result i32) (i32.add (call $down (i32.add (local.get $n) (i32.const 1))) (i32.const 1)))
  (func (export "__xerv_alloc") (param i32) (result i32) (i32.const 4096))
  (func (export "__xerv_execute") (param i32 i32) (result i32) (call $down (i32.const 0))))
