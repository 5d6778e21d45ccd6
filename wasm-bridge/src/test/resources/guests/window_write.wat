;; Hostile: stores into the read-only arena window.
(module
  (import "xerv" "__xerv_arena_window" (func $window (result i32)))
  (memory (export "memory") 1)
  (func (export "__xerv_alloc") (param i32) (result i32) (i32.const 4096))
  (func (export "__xerv_execute") (param $inputs i32) (param i32) (result i32)
    (i32.store (i32.add (call $window) (i32.load offset=8 (local.get $inputs))) (i32.const 0))
    (i32.const 0)))
