;; Hostile: grows its memory a page at a time and traps once the host refuses.
(module
  (memory (export "memory") 1)
  (func (export "__xerv_alloc") (param i32) (result i32) (i32.const 4096))
  (func (export "__xerv_execute") (param i32 i32) (result i32)
    (loop $more
      (if (i32.eq (memory.grow (i32.const 1)) (i32.const -1)) (then unreachable))
      (br $more))
    (i32.const 0)))
