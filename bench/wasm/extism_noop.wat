;; The trivial Extism plugin of the peer benchmark: one export that does nothing.
(module
  (func (export "noop") (result i32) (i32.const 0)))
