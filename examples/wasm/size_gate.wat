;; A hand-written WASM node (no SDK, ABI v1 only): passes its input on through port `valid` when the
;; value is at most `max_bytes` long, else fires `rejected` with a JSON note. It never copies the input:
;; it hands __xerv_set_result the input's address in the read-only arena window (input_mode: in_place).
;; The limit comes from the node's config as the named input `max_bytes`, read in place as a
;; FlexBuffers root integer (1, 2, 4 or 8 bytes wide).
(module
  (import "xerv" "__xerv_set_result" (func $result (param i32 i32 i32 i32) (result i32)))
  (import "xerv" "__xerv_set_result_json" (func $json (param i32 i32 i32 i32) (result i32)))
  (import "xerv" "__xerv_set_error" (func $error (param i32 i32) (result i32)))
  (import "xerv" "__xerv_log" (func $log (param i32 i32 i32) (result i32)))
  (import "xerv" "__xerv_arena_window" (func $window (result i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))
  (data (i32.const 0) "valid")
  (data (i32.const 8) "rejected")
  (data (i32.const 16) "{\"rejected\":\"the value is larger than max_bytes\"}")
  (data (i32.const 80) "size_gate needs input_mode: in_place")
  (data (i32.const 128) "max_bytes")
  (data (i32.const 144) "passing the value on")

  (func (export "__xerv_alloc") (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.and (i32.add (i32.add (local.get $p) (local.get $size)) (i32.const 7)) (i32.const -8)))
    (local.get $p))

  ;; Reads an unsigned little-endian integer of `width` bytes at `addr`.
  (func $uint (param $addr i32) (param $width i32) (result i64)
    (if (i32.eq (local.get $width) (i32.const 1)) (then (return (i64.load8_u (local.get $addr)))))
    (if (i32.eq (local.get $width) (i32.const 2)) (then (return (i64.load16_u (local.get $addr)))))
    (if (i32.eq (local.get $width) (i32.const 4)) (then (return (i64.load32_u (local.get $addr)))))
    (i64.load (local.get $addr)))

  ;; The root integer of the FlexBuffers value at `addr` with `size` bytes: its last byte is the root's
  ;; width, the value sits just before the type byte.
  (func $rootInt (param $addr i32) (param $size i32) (result i64)
    (local $end i32) (local $width i32)
    (local.set $end (i32.add (local.get $addr) (local.get $size)))
    (local.set $width (i32.load8_u (i32.sub (local.get $end) (i32.const 1))))
    (call $uint (i32.sub (i32.sub (local.get $end) (i32.const 2)) (local.get $width)) (local.get $width)))

  ;; True when the entry's name equals "max_bytes".
  (func $isMaxBytes (param $entry i32) (result i32)
    (local $i i32) (local $name i32)
    (if (i32.ne (i32.load offset=4 (local.get $entry)) (i32.const 9)) (then (return (i32.const 0))))
    (local.set $name (i32.load (local.get $entry)))
    (block $differ
      (loop $next
        (br_if $differ (i32.ne (i32.load8_u (i32.add (local.get $name) (local.get $i)))
                               (i32.load8_u (i32.add (i32.const 128) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $next (i32.lt_u (local.get $i) (i32.const 9))))
      (return (i32.const 1)))
    (i32.const 0))

  (func (export "__xerv_execute") (param $inputs i32) (param $count i32) (result i32)
    (local $w i32) (local $i i32) (local $e i32) (local $max i64)
    (global.set $heap (i32.const 4096))
    (local.set $w (call $window))
    (if (i32.eqz (local.get $w))
      (then (drop (call $error (i32.const 80) (i32.const 36))) (return (i32.const 1))))
    (local.set $max (i64.const 1024))
    (loop $scan
      (if (i32.lt_u (local.get $i) (local.get $count))
        (then
          (local.set $e (i32.add (local.get $inputs) (i32.mul (local.get $i) (i32.const 20))))
          (if (call $isMaxBytes (local.get $e))
            (then (local.set $max (call $rootInt
              (i32.add (local.get $w) (i32.load offset=8 (local.get $e))) (i32.load offset=16 (local.get $e))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $scan))))
    ;; Entry 0 is the value that fired into `in`.
    (if (i64.le_u (i64.extend_i32_u (i32.load offset=16 (local.get $inputs))) (local.get $max))
      (then
        (drop (call $log (i32.const 2) (i32.const 144) (i32.const 20)))
        (drop (call $result (i32.const 0) (i32.const 5)
          (i32.add (local.get $w) (i32.load offset=8 (local.get $inputs))) (i32.load offset=16 (local.get $inputs)))))
      (else
        (drop (call $json (i32.const 8) (i32.const 8) (i32.const 16) (i32.const 49)))))
    (i32.const 0)))
