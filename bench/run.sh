#!/usr/bin/env bash
# Builds the engine and the JMH benchmarks, then runs JMH from the repository root.
#
#   bench/run.sh                          every benchmark, one fork, the iterations set in the
#                                         classes, with -prof gc; output kept in bench/results/
#   bench/run.sh 'OrderFlow.*batch' -prof gc -p eventLoops=1    any JMH arguments, passed through
#   bench/run.sh -h                       JMH's own help
#
# SKIP_BUILD=1 skips the Maven build. A full default run takes about 9 minutes on 2 cores.
set -euo pipefail
source "$(dirname "$0")/common.sh"

jmh=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow
     -cp 'bench/target/xerv-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*' org.openjdk.jmh.Main)

if (($# > 0)); then
  exec "${jmh[@]}" "$@"
fi

mkdir -p bench/results
stamp=$(date -u +%Y%m%dT%H%MZ)
log="bench/results/jmh-$stamp.log"
{
  echo "# $(date -u) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "# $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- 2>/dev/null || echo ' with uncommitted changes')"
} > "$log"
"${jmh[@]}" -f 1 -prof gc -rf text -rff "bench/results/jmh-$stamp.txt" 2>&1 | tee -a "$log"
echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$log"
echo "results: bench/results/jmh-$stamp.txt, log: $log"
