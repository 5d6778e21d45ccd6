#!/usr/bin/env bash
# The WASM benchmarks, one run each, into bench/results/wasm-<date>.txt:
#   - WasmCallBench     call overhead of a trivial pooled guest (node run, bare Chicory export, interpreter)
#   - ExtismCallBench   the same trivial call through Extism's chicory-sdk-core 0.3.0 (its own JVM and
#                       classpath: it is built on Chicory 1.4.0)
#   - WasmComputeBench  the Rust mandelbrot guest on Chicory's compiler, and bench/wasm/v8.mjs for the
#                       same export of the same .wasm on Node's V8
#   - WasmInputBench    a 1 MiB input read in place vs copied
#
#   bench/wasm/run.sh            SKIP_BUILD=1 reuses the built jars
set -euo pipefail
source "$(dirname "$0")/../common.sh"   # cd to the repository root, JAVA_HOME, builds host + bench

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  sdk-rust-guest/build.sh >/dev/null
  ./mvnw -q -B -f bench/wasm/extism/pom.xml package
fi
guests=sdk-rust-guest/target/wasm32-unknown-unknown/release/examples
stamp=$(date -u +%Y%m%dT%H%MZ)
out="bench/results/wasm-$stamp.txt"
mkdir -p bench/results
flags=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
{
  echo "# $(date -u) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "# $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1), node $(node --version 2>/dev/null || echo absent), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- 2>/dev/null || echo ' with uncommitted changes')"
} > "$out"
"$JAVA_HOME/bin/java" "${flags[@]}" -Dxerv.guests.dir="$guests" \
  -cp 'bench/target/xerv-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*' org.openjdk.jmh.Main \
  -jvmArgsAppend "-Dxerv.guests.dir=$PWD/$guests" 'io.xerv.bench.wasm.*' -rf text -rff "$out.jmh" | tee -a "bench/results/wasm-$stamp.log"
"$JAVA_HOME/bin/java" -cp 'bench/wasm/extism/target/xerv-bench-extism-0.1.0-SNAPSHOT.jar:bench/wasm/extism/target/lib/*' \
  org.openjdk.jmh.Main 'io.xerv.bench.extism.*' -rf text -rff "$out.extism" | tee -a "bench/results/wasm-$stamp.log"
{
  echo; echo "## JMH (xerv, Chicory 1.7.5)"; cat "$out.jmh"
  echo; echo "## JMH (Extism chicory-sdk-core 0.3.0, Chicory 1.4.0)"; cat "$out.extism"
  echo; echo "## Node V8, same mandelbrot.wasm"
  node bench/wasm/v8.mjs "$guests/mandelbrot.wasm" 400 500 20 30
  echo; echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} >> "$out"
rm -f "$out.jmh" "$out.extism"
echo "results: $out (JMH log: bench/results/wasm-$stamp.log)"
