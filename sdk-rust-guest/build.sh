#!/usr/bin/env bash
# Builds the SDK's example guests to target/wasm32-unknown-unknown/release/examples/*.wasm, offline,
# with the system's cargo and rustc (Debian: apt-get install rustc cargo libstd-rust-dev-wasm32).
# Called by the wasm-bridge Maven build before its tests; run it by hand the same way.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
CARGO="${XERV_CARGO:-/usr/bin/cargo}"
RUSTC="${XERV_RUSTC:-/usr/bin/rustc}"
if [ ! -x "$CARGO" ] || [ ! -x "$RUSTC" ]; then
  echo "sdk-rust-guest: needs cargo and rustc with the wasm32 standard library at $CARGO and $RUSTC." >&2
  echo "  Debian/Ubuntu: apt-get install -y rustc cargo libstd-rust-dev-wasm32" >&2
  echo "  (or point XERV_CARGO / XERV_RUSTC at a toolchain that has the wasm32-unknown-unknown target)" >&2
  exit 1
fi
# The reader and writer against each other and against damaged bytes, on the build machine.
RUSTC="$RUSTC" "$CARGO" test --offline --quiet --test flex
RUSTC="$RUSTC" "$CARGO" build --offline --release --target wasm32-unknown-unknown --examples
ls -1 target/wasm32-unknown-unknown/release/examples/*.wasm | grep -v -- '-[0-9a-f]\{16\}\.wasm$'
