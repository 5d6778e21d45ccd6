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
# of each run (10), SERVE_WARMUP (60), WARMUP of the bare responder (20), CONNECTIONS ("64 256"; a list such
# as "64 256" loads each server once per count in every turn and takes its best: a server that waits
# for the disk needs more requests in flight to reach its maximum), WRK_CPU (0), SERVER_CPU (1; "0,1"
# with WRK_CPU=0,1 lets the servers and wrk share both cores), PORT (18080; the bare responder takes
# PORT + 1), OUT (result file).
set -euo pipefail
source "$(dirname "$0")/../common.sh"

DURABILITY=${DURABILITY:-fsync}
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10}
SERVE_WARMUP=${SERVE_WARMUP:-60}
WARMUP=${WARMUP:-20}
CONNECTIONS=${CONNECTIONS:-64 256}
WRK_CPU=${WRK_CPU:-0}
SERVER_CPU=${SERVER_CPU:-1}
PORT=${PORT:-18080}
BARE_PORT=$((PORT + 1))
source bench/http/lib.sh

out="${OUT:-bench/results/http-paired-$DURABILITY-$(date -u +%Y%m%dT%H%MZ).txt}"
tmp=$(mktemp -d /tmp/xerv-http-paired.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

# URL SECONDS [CONNS]: one wrk run; prints its requests/s.
load() {
  taskset -c "$WRK_CPU" wrk -t1 -c"${3:-${CONNECTIONS%% *}}" -d"$2s" --timeout 10s -s "$LUA" "$1" \
    | tee -a "$tmp/raw.txt" | awk '/^Requests\/sec:/ {printf "%.0f", $2}'
}

# URL: one run per connection count in CONNECTIONS; prints the best requests/s.
best() {
  local c rps top=0
  for c in $CONNECTIONS; do
    rps=$(load "$1" "$DURATION" "$c")
    if (( rps > top )); then top=$rps; fi
  done
  echo "$top"
}

order_flow_only "$tmp/flows"
start_bare "$BARE_PORT" "$tmp/bare.log"
pids+=("$STARTED")
start_serve "$PORT" "$DURABILITY" "$tmp/flows" "$tmp/data" "$tmp/serve.log"
pids+=("$STARTED")
bare="http://127.0.0.1:$BARE_PORT/api/orders"
serve="http://127.0.0.1:$PORT/api/orders"
await_ready "$bare" "${pids[0]}" "$tmp/bare.log"
await_ready "$serve" "${pids[1]}" "$tmp/serve.log"

{
  header
  echo "# wrk on CPU $WRK_CPU, both servers on CPU $SERVER_CPU; connections: $CONNECTIONS (best of); $ROUNDS rounds of ${DURATION}s each;" \
    "warm-up ${SERVE_WARMUP}s (serve) and ${WARMUP}s (bare); xerv serve durability $DURABILITY"
} > "$tmp/head.txt"
cat "$tmp/head.txt"

load "$serve" "$SERVE_WARMUP" > /dev/null
load "$bare" "$WARMUP" > /dev/null

rows=()
ratios=()
before=$(best "$bare")
for r in $(seq 1 "$ROUNDS"); do
  s=$(best "$serve")
  after=$(best "$bare")
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
