;; Hostile: hands __xerv_set_result a data pointer far outside its one page of memory.
(module
  (import "xerv" "__xerv_set_result" (func $result (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "out")
  (func (export "__xerv_alloc") (param i32) (result i32) (i32.const 4096))
  (func (export "__xerv_execute") (param i32 i32) (result i32)
    (drop (call $result (i32.const 0) (i32.const 3) (i32.const 0x20000000) (i32.const 100)))
    (i32.const 0)))
