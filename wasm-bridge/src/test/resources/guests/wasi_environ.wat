;; Counts the environment variables WASI gives it and fires the count as a FlexBuffers int
;; (8 value bytes, type byte INT<<2|3 = 0x07, root width 8).
(module
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $sizes (param i32 i32) (result i32)))
  (import "xerv" "__xerv_set_result" (func $result (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "out")
  (func (export "__xerv_alloc") (param i32) (result i32) (i32.const 4096))
  (func (export "__xerv_execute") (param i32 i32) (result i32)
    (drop (call $sizes (i32.const 64) (i32.const 68)))
    (i64.store (i32.const 128) (i64.extend_i32_u (i32.load (i32.const 64))))
    (i32.store8 (i32.const 136) (i32.const 0x07))
    (i32.store8 (i32.const 137) (i32.const 8))
    (drop (call $result (i32.const 0) (i32.const 3) (i32.const 128) (i32.const 10)))
    (i32.const 0)))
