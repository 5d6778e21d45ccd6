#!/usr/bin/env bash
# HTTP load harness: the order flow behind its webhook in `xerv serve` against a bare Vert.x
# responder (io.xerv.bench.http.BareResponder), in one run, with wrk.
#
#   bench/http/run.sh               build, then measure; the table goes to stdout and to
#                                   bench/results/http-<time>.txt (with every raw wrk output)
#
# Method. wrk runs with one thread pinned to CPU 0, the server under test pinned to CPU 1 (taskset),
# so the two never compete for a core; each JVM therefore sees one processor and runs one event loop.
# Each server is warmed up with WARMUP seconds of load (the JIT compiles on the server's one core:
# a short warm-up measures the compiler, not the server), then:
#   1. max: wrk -t1 -c C -d DURATION --latency, posting the order JSON (post.lua), once for each C in
#      CONNECTIONS; the best requests/s is the maximum the server answers. A server that waits for
#      the disk before it answers needs more requests in flight than one that does not to keep its
#      core busy (Little's law), so each server is measured at 64 and at 256 connections;
#   2. half: the same server at half of the bare responder's maximum. wrk2 is not packaged, so the
#      rate is fixed with wrk's Lua delay(): each connection waits DELAY_MS after every response, and
#      C = rate * DELAY_MS / 1000 connections offer about the rate (a quarter less here: each cycle also
#      includes the response time, and wrk's timers run late under load): a calibration run of CALIBRATE
#      seconds measures the shortfall and the measured run scales C to match (at most doubling it).
#      The achieved rate is reported beside the latencies, which are wrk's own distribution (p50,
#      p99) from request sent to response read.
#   3. own half: the same at half of this server's own maximum (its latency at a load it sustains;
#      when half the bare responder's maximum is above a server's maximum, step 2 measures it saturated).
# Servers: the bare responder; `xerv serve` with the order flow (examples/flows/order_processing.yaml,
# warmed up for SERVE_WARMUP seconds, default 60, before the measured runs) and a fresh data
# directory, durability fsync (the default); then `xerv serve` again with durability none.
# POST /api/orders runs the order flow in sync mode (the reply carries the trace's result). Non-2xx
# answers and socket errors are counted and shown. Last, the bare responder's maximum is measured
# again: a shared machine's drift during the run shows as a ratio away from 1.00.
#
# Environment: SKIP_BUILD=1 skips the Maven build; DURATION (default 10), WARMUP (20), SERVE_WARMUP (60), CALIBRATE (5), CONNECTIONS
# ("64 256"), DELAY_MS (2), WRK_CPU (0), SERVER_CPU (1), PORT (18080), OUT (result file), PASSES (the
# serve durabilities to measure, default "fsync none"; empty measures the bare responder only).
set -euo pipefail
source "$(dirname "$0")/../common.sh"

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-20}
SERVE_WARMUP=${SERVE_WARMUP:-60}
CALIBRATE=${CALIBRATE:-5}
CONNECTIONS=${CONNECTIONS:-64 256}
DELAY_MS=${DELAY_MS:-2}
WRK_CPU=${WRK_CPU:-0}
SERVER_CPU=${SERVER_CPU:-1}
PORT=${PORT:-18080}
PASSES=${PASSES-fsync none}
source bench/http/lib.sh

out="${OUT:-bench/results/http-$(date -u +%Y%m%dT%H%MZ).txt}"
tmp=$(mktemp -d /tmp/xerv-http-bench.XXXXXX)
server_pid=""

stop_server() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$server_pid" 2>/dev/null; then
      echo "run.sh: the server did not stop within 10 s of SIGTERM; killed" >&2
      kill -9 "$server_pid" 2>/dev/null || true
    fi
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
cleanup() {
  stop_server
  rm -rf "$tmp"
}
trap cleanup EXIT

# wrk's latency ("1.23ms", "456.00us", "1.02s") in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.3f", n }'
}

# One wrk run: NAME URL CONNECTIONS [DELAY_MS]. Keeps the raw output; sets RPS P50 P99 ERRS.
run_wrk() {
  local name=$1 url=$2 conns=$3 delay=${4:-0}
  local raw="$tmp/$name.wrk"
  WRK_DELAY_MS=$delay taskset -c "$WRK_CPU" wrk -t1 -c"$conns" -d"${DURATION}s" --timeout 10s --latency -s "$LUA" "$url" > "$raw"
  { echo "## $name: wrk -t1 -c$conns -d${DURATION}s --latency -s $LUA $url (WRK_DELAY_MS=$delay)"; cat "$raw"; echo; } >> "$tmp/raw.txt"
  RPS=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$raw")
  P50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$raw")")
  P99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$raw")")
  local non2xx sock
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$raw")
  sock=$(awk '/Socket errors:/ {gsub(/,/, ""); print $4 + $6 + $8 + $10}' "$raw")
  ERRS=$(( ${non2xx:-0} + ${sock:-0} ))
}

warm() {
  WRK_DELAY_MS=0 taskset -c "$WRK_CPU" wrk -t1 -c"${CONNECTIONS%% *}" -d"${WARMUP}s" -s "$LUA" "$1" > /dev/null
}

# NAME URL RATE: offers about RATE req/s with wrk's delay() and sets RPS P50 P99 ERRS and CONNS.
# wrk's timers and each response's time make C connections offer less than C * 1000 / DELAY_MS: one
# calibration run measures by how much, and the measured run scales the connections to match.
offer() {
  local name=$1 url=$2 rate=$3
  CONNS=$(( (rate * DELAY_MS + 999) / 1000 ))
  local saved=$DURATION
  DURATION=$CALIBRATE
  run_wrk "$name-calibrate" "$url" "$CONNS" "$DELAY_MS"
  DURATION=$saved
  # At most doubled: a server that cannot reach the rate saturates either way, and thousands of
  # connections would only measure wrk's timeouts.
  if [[ "${RPS:-0}" -gt 0 ]]; then
    local scaled=$(( (CONNS * rate + RPS - 1) / RPS ))
    CONNS=$(( scaled < 2 * CONNS ? scaled : 2 * CONNS ))
  fi
  run_wrk "$name" "$url" "$CONNS" "$DELAY_MS"
}

rows=()
BARE_RPS=0
BARE_CONNS=64
# NAME URL: warm up, max, half of the bare responder's max, then half of this server's own max (its
# latency at a load it sustains).
measure() {
  local name=$1 url=$2
  warm "$url"
  local c max_rps=0 max_conns=0 max_p50=0 max_p99=0 max_errs=0
  for c in $CONNECTIONS; do
    run_wrk "$name-max-c$c" "$url" "$c"
    if (( RPS > max_rps )); then max_rps=$RPS; max_conns=$c; max_p50=$P50; max_p99=$P99; max_errs=$ERRS; fi
  done
  if [[ "$BARE_RPS" == 0 ]]; then BARE_RPS=$max_rps; BARE_CONNS=$max_conns; fi
  local target=$(( BARE_RPS / 2 ))
  offer "$name-half" "$url" "$target"
  local half_rps=$RPS half_conns=$CONNS half_p50=$P50 half_p99=$P99 half_errs=$ERRS
  offer "$name-own-half" "$url" $(( max_rps / 2 ))
  rows+=("$(printf '| %s | %s (%s conns) | %s | %s | %s | %s | %s | %s (%s conns) | %s | %s | %s | %s | %s | %s |' "$name" "$max_rps" "$max_conns" \
    "$(awk -v a="$max_rps" -v b="$BARE_RPS" 'BEGIN {printf "%.2f", a / b}')" "$max_p50" "$max_p99" "$max_errs" \
    "$target" "$half_rps" "$half_conns" "$half_p50" "$half_p99" "$half_errs" "$RPS" "$P50" "$P99")")
}

{
  header
  echo "# wrk on CPU $WRK_CPU, server on CPU $SERVER_CPU; max: best of $CONNECTIONS connections, ${DURATION}s each after ${WARMUP}s warm-up; half: delay ${DELAY_MS} ms per connection, ${CALIBRATE}s calibration"
} > "$tmp/head.txt"
cat "$tmp/head.txt"

order_flow_only "$tmp/flows"

# 1. The bare responder.
start_bare "$PORT" "$tmp/server.log"
server_pid=$STARTED
await_ready "http://127.0.0.1:$PORT/api/orders" "$server_pid" "$tmp/server.log"
measure bare "http://127.0.0.1:$PORT/api/orders"
stop_server
echo "bare responder: $BARE_RPS req/s"

# 2. xerv serve, durability fsync then none; a fresh data directory each time.
for durability in $PASSES; do
  start_serve "$PORT" "$durability" "$tmp/flows" "$tmp/data-$durability" "$tmp/server.log"
  server_pid=$STARTED
  await_ready "http://127.0.0.1:$PORT/api/orders" "$server_pid" "$tmp/server.log"
  # The host runs far more code than the bare responder, and its JIT shares the one core: it needs a
  # longer warm-up before its steady state (measured: 1.8k, 8.8k, 18.9k req/s in three 10 s runs).
  WARMUP=$SERVE_WARMUP warm "http://127.0.0.1:$PORT/api/orders"
  echo "xerv serve ($durability) answers: $(curl -s -X POST -H 'Content-Type: application/json' \
    --data '{"id":"o-1","amount":120.5,"risk_score":0.93}' "http://127.0.0.1:$PORT/api/orders")"
  measure "serve-$durability" "http://127.0.0.1:$PORT/api/orders"
  stop_server
done

# 3. The bare responder again, max only: how much the machine drifted during the run.
if [[ -n "$PASSES" ]]; then
  start_bare "$PORT" "$tmp/server.log"
  server_pid=$STARTED
  await_ready "http://127.0.0.1:$PORT/api/orders" "$server_pid" "$tmp/server.log"
  warm "http://127.0.0.1:$PORT/api/orders"
  run_wrk "bare-again-max" "http://127.0.0.1:$PORT/api/orders" "$BARE_CONNS"
  stop_server
  rows+=("$(printf '| bare, again at the end | %s | %s | %s | %s | %s | - | - | - | - | - | - | - | - |' "$RPS" \
    "$(awk -v a="$RPS" -v b="$BARE_RPS" 'BEGIN {printf "%.2f", a / b}')" "$P50" "$P99" "$ERRS")")
fi

{
  cat "$tmp/head.txt"
  echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| server | max req/s | ratio to bare | max p50 ms | max p99 ms | max errors | half-load target req/s | half-load achieved req/s | half p50 ms | half p99 ms | half errors | own-half achieved req/s | own-half p50 ms | own-half p99 ms |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
  printf '%s\n' "${rows[@]}"
  echo
  echo "# raw wrk output"
  cat "$tmp/raw.txt"
} > "$out"
sed -n '/^| server/,/^$/p' "$out"
echo "results: $out"
