#!/usr/bin/env bash
# Paired HTTP measurement: the bare Vert.x responder and `xerv serve` (order flow, sync webhook) run
# side by side, both pinned to the server CPU, and wrk loads them in turns (bare, serve, bare, serve,
# ..., bare), ROUNDS times. Each serve figure is divided by the mean of the bare runs just before and
# just after it: a shared machine's drift, which moves a single bare measurement by ±20 % within
# minutes, largely cancels. Only the loaded server uses the core; the other one idles.
#
#   bench/http/paired.sh            build, then measure; the table goes to stdout and to
#                                   bench/results/http-paired-<durability>-<time>.txt
#
# Environment: SKIP_BUILD=1 skips the Maven build; DURABILITY (fsync; or none), ROUNDS (5), DURATION
# of each run (10), SERVE_WARMUP (60), WARMUP of the bare responder (20), CONNECTIONS (64), WRK_CPU (0),
# SERVER_CPU (1), PORT (18080; the bare responder takes PORT + 1), OUT (result file).
set -euo pipefail
source "$(dirname "$0")/../common.sh"

DURABILITY=${DURABILITY:-fsync}
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10}
SERVE_WARMUP=${SERVE_WARMUP:-60}
WARMUP=${WARMUP:-20}
CONNECTIONS=${CONNECTIONS:-64}
WRK_CPU=${WRK_CPU:-0}
SERVER_CPU=${SERVER_CPU:-1}
PORT=${PORT:-18080}
BARE_PORT=$((PORT + 1))
LUA=bench/http/post.lua
JAVA=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xms1g -Xmx1g)

command -v wrk >/dev/null || { echo "paired.sh: needs wrk (apt-get install wrk)" >&2; exit 1; }
command -v taskset >/dev/null || { echo "paired.sh: needs taskset (util-linux)" >&2; exit 1; }

mkdir -p bench/results
out="${OUT:-bench/results/http-paired-$DURABILITY-$(date -u +%Y%m%dT%H%MZ).txt}"
tmp=$(mktemp -d /tmp/xerv-http-paired.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

await_ready() {
  for _ in $(seq 1 1200); do
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
        --data '{"id":"warm","risk_score":0.1}' "$1" 2>/dev/null)" == 200 ]]; then
      return 0
    fi
    sleep 0.1
  done
  echo "paired.sh: $1 did not answer 200 within 120 s; server output:" >&2
  cat "$tmp"/*.log >&2
  exit 1
}

# URL SECONDS: one wrk run; prints its requests/s.
load() {
  taskset -c "$WRK_CPU" wrk -t1 -c"$CONNECTIONS" -d"$2s" --timeout 10s -s "$LUA" "$1" \
    | tee -a "$tmp/raw.txt" | awk '/^Requests\/sec:/ {printf "%.0f", $2}'
}

mkdir -p "$tmp/flows"
cp examples/flows/order_processing.yaml "$tmp/flows/"
taskset -c "$SERVER_CPU" "${JAVA[@]}" -cp 'bench/target/xerv-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*' \
  io.xerv.bench.http.BareResponder "$BARE_PORT" > "$tmp/bare.log" 2>&1 &
pids+=($!)
XERV_JAVA_OPTS="-Xms1g -Xmx1g" taskset -c "$SERVER_CPU" ./xerv serve --flows "$tmp/flows" --data-dir "$tmp/data" \
  --port "$PORT" --durability "$DURABILITY" > "$tmp/serve.log" 2>&1 &
pids+=($!)
bare="http://127.0.0.1:$BARE_PORT/api/orders"
serve="http://127.0.0.1:$PORT/api/orders"
await_ready "$bare"
await_ready "$serve"

{
  echo "# $(date -u) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "# $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1), $(wrk --version 2>&1 | head -n 1 | cut -d' ' -f1-2), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- 2>/dev/null || echo ' with uncommitted changes')"
  echo "# wrk on CPU $WRK_CPU, both servers on CPU $SERVER_CPU; $CONNECTIONS connections; $ROUNDS rounds of ${DURATION}s each;" \
    "warm-up ${SERVE_WARMUP}s (serve) and ${WARMUP}s (bare); xerv serve durability $DURABILITY"
} > "$tmp/head.txt"
cat "$tmp/head.txt"

load "$serve" "$SERVE_WARMUP" > /dev/null
load "$bare" "$WARMUP" > /dev/null

rows=()
ratios=()
before=$(load "$bare" "$DURATION")
for r in $(seq 1 "$ROUNDS"); do
  s=$(load "$serve" "$DURATION")
  after=$(load "$bare" "$DURATION")
  ratio=$(awk -v s="$s" -v a="$before" -v b="$after" 'BEGIN {printf "%.3f", s / ((a + b) / 2)}')
  rows+=("| $r | $before | $s | $after | $ratio |")
  ratios+=("$ratio")
  echo "round $r: bare $before, serve $s, bare $after: ratio $ratio"
  before=$after
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}')

{
  cat "$tmp/head.txt"
  echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| round | bare before req/s | xerv serve ($DURABILITY) req/s | bare after req/s | serve / mean(bare) |"
  echo "| --- | --- | --- | --- | --- |"
  printf '%s\n' "${rows[@]}"
  echo
  echo "median ratio: $median"
  echo
  echo "# raw wrk output"
  cat "$tmp/raw.txt"
} > "$out"
echo "median ratio: $median"
echo "results: $out"
