;; Hostile: fires bytes that claim to be a FlexBuffers vector whose offset points far outside them.
(module
  (import "xerv" "__xerv_set_result" (func $result (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "out")
  (data (i32.const 16) "\ff\ff\ff\ff\ff\ff\ff\7f\2b\08")
  (func (export "__xerv_alloc") (param i32) (result i32) (i32.const 4096))
  (func (export "__xerv_execute") (param i32 i32) (result i32)
    (drop (call $result (i32.const 0) (i32.const 3) (i32.const 16) (i32.const 10)))
    (i32.const 0)))
