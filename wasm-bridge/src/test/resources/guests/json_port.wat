;; Fires port "valid" with a JSON value.
(module
  (import "xerv" "__xerv_set_result_json" (func $json (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "valid")
  (data (i32.const 16) "{\"ok\":true,\"n\":3}")
  (func (export "__xerv_alloc") (param i32) (result i32) (i32.const 4096))
  (func (export "__xerv_execute") (param i32 i32) (result i32)
    (drop (call $json (i32.const 0) (i32.const 5) (i32.const 16) (i32.const 17)))
    (i32.const 0)))
