#!/usr/bin/env bash
# Builds the engine and the benchmarks, then runs the end-to-end durability benchmark
# (io.xerv.bench.DurabilityBench) from the repository root: the order flow with durability fsync
# (group commit), none, fsync with one sync per record and batch:2; recovery of 10,000 suspended
# traces; the disk's own fdatasync latency. About 3 minutes on 2 cores.
#
#   bench/durability.sh                             build, run, keep the output in bench/results/
#   bench/durability.sh -Dxerv.bench.seconds=5      JVM options (-D...) are passed to the benchmark:
#                                                   xerv.bench.seconds (window per load, default 10),
#                                                   xerv.bench.loops (event loops, default one per core),
#                                                   xerv.bench.recoverTraces (default 10000),
#                                                   xerv.bench.dir (where data directories go, default /tmp)
#
# SKIP_BUILD=1 skips the Maven build. OUT=FILE writes the output there instead of
# bench/results/durability-<time>.txt.
set -euo pipefail
source "$(dirname "$0")/common.sh"

mkdir -p bench/results
out="${OUT:-bench/results/durability-$(date -u +%Y%m%dT%H%MZ).txt}"
{
  echo "# $(date -u) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "# $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- 2>/dev/null || echo ' with uncommitted changes')"
  echo "# data dir filesystem: $(df -T "${TMPDIR:-/tmp}" | tail -n 1 | awk '{print $1, $2}')"
} > "$out"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xms2g -Xmx2g "$@" \
  -cp 'bench/target/xerv-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*' io.xerv.bench.DurabilityBench 2>&1 | tee -a "$out"
echo "output: $out"
