;; Hostile: asks __xerv_read_bytes for 2 GiB of its input.
(module
  (import "xerv" "__xerv_read_bytes" (func $read (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "__xerv_alloc") (param i32) (result i32) (i32.const 4096))
  (func (export "__xerv_execute") (param $inputs i32) (param i32) (result i32)
    (call $read (i32.load offset=8 (local.get $inputs)) (i32.load offset=12 (local.get $inputs))
      (i32.const 0) (i32.const 0x7fffffff))))
