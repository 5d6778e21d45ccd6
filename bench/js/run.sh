#!/usr/bin/env bash
# JS node benchmarks, one run: JMH in the host (bench/src/main/java/io/xerv/bench/js) with the Graal
# compiler, the compute benchmark again without it, and the same work in Node.js
# (bench/js/node-bench.mjs). Results go to bench/results/js-<date>.txt.
#
#   bench/js/run.sh            builds js-bridge and the benchmarks first (SKIP_BUILD=1 skips that)
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  ./mvnw -q -B -pl js-bridge install -DskipTests
  ./mvnw -q -B -pl bench package -DskipTests
fi
SKIP_BUILD=1 source bench/common.sh

G=js-bridge/target/graal-compiler
compiler=(-XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI
          "--upgrade-module-path=$G/compiler.jar:$G/word.jar:$G/collections.jar:$G/truffle-compiler.jar")
jmh=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow
     -cp 'bench/target/xerv-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*' org.openjdk.jmh.Main)

mkdir -p bench/results
out="bench/results/js-$(date -u +%Y%m%d).txt"
tmp=$(mktemp -d)
{
  echo "# JS nodes: $(date -u), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "# $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1); GraalJS 25.0.3; node $(node --version)"
  echo "# commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- 2>/dev/null || echo ' with uncommitted changes'), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "## JMH, Graal compiler on (JsCallBench, JsDecodeBench, JsComputeBench)"
} > "$out"
"$JAVA_HOME/bin/java" "${compiler[@]}" "${jmh[@]}" 'io.xerv.bench.js.Js(Call|Decode|Compute)Bench' \
  -rf text -rff "$tmp/on.txt" > "$tmp/on.log" 2>&1 || { tail -40 "$tmp/on.log"; exit 1; }
cat "$tmp/on.txt" >> "$out"
{ echo; echo "## JMH, compiler off (interpreted GraalJS): JsComputeBench"; } >> "$out"
"$JAVA_HOME/bin/java" "${jmh[@]}" 'io.xerv.bench.js.JsComputeBench' -wi 3 -i 3 \
  -rf text -rff "$tmp/off.txt" > "$tmp/off.log" 2>&1 || { tail -40 "$tmp/off.log"; exit 1; }
cat "$tmp/off.txt" >> "$out"
{ echo; echo "## Node.js, same functions through the same SDK runtime (bench/js/node-bench.mjs)"; } >> "$out"
"$JAVA_HOME/bin/java" -cp 'bench/target/xerv-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*' io.xerv.bench.js.JsDecodeBench "$tmp/decode-input.bin"
node bench/js/node-bench.mjs "$tmp/decode-input.bin" >> "$out"
echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out"
cat "$out"
rm -rf "$tmp"
