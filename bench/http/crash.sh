#!/usr/bin/env bash
# Crash check of `xerv serve` under webhook load: the order flow behind a webhook (async by default:
# 202 with the trace id once the trace's start is durable; MODE=sync: 200 with the result) is loaded
# with wrk, the host is killed with SIGKILL in the middle of the load, restarted on the same data
# directory, and killed again, KILLS times; a last start recovers what the last kill left. Then io.xerv.bench.http.CrashCheck reads the
# write-ahead log and checks that every acknowledged trace id started once and completed exactly
# once. A sample of the acknowledged ids is also read back through GET /api/v1/traces/{id}.
#
#   bench/http/crash.sh             build, then run; exits 0 when every acknowledged trace passed;
#                                   the output is kept in bench/results/http-crash-<time>.txt
#
# Environment: SKIP_BUILD=1 skips the Maven build; MODE (async: 202 once the start is durable; sync:
# 200 with the result, sent before the end record's sync); KILLS (default 3); CONNECTIONS (32); DURABILITY
# (fsync); PORT (18081); SEED (of the kill delays, 2-5 s after the load starts); OUT (result file);
# KEEP=1 keeps the data directory and logs.
set -euo pipefail
source "$(dirname "$0")/../common.sh"

KILLS=${KILLS:-3}
CONNECTIONS=${CONNECTIONS:-32}
DURABILITY=${DURABILITY:-fsync}
MODE=${MODE:-async}
[[ "$MODE" == async || "$MODE" == sync ]] || { echo "crash.sh: MODE must be async or sync, not $MODE" >&2; exit 2; }
PORT=${PORT:-18081}
SEED=${SEED:-$$}
RANDOM=$SEED
URL="http://127.0.0.1:$PORT"

command -v wrk >/dev/null || { echo "crash.sh: needs wrk (apt-get install wrk)" >&2; exit 1; }
mkdir -p bench/results
exec > >(tee -a "${OUT:-bench/results/http-crash-$(date -u +%Y%m%dT%H%MZ).txt}") 2>&1

tmp=$(mktemp -d /tmp/xerv-crash.XXXXXX)
data="$tmp/data"
acks="$tmp/acks.txt"
server_pid=""
wrk_pid=""
cleanup() {
  [[ -n "$wrk_pid" ]] && kill "$wrk_pid" 2>/dev/null || true
  [[ -n "$server_pid" ]] && kill -9 "$server_pid" 2>/dev/null || true
  if [[ "${KEEP:-0}" == 1 ]]; then echo "kept: $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

# The example order flow at /api/crash, answering 202 (MODE=async) or 200 with the result (sync).
mkdir -p "$tmp/flows"
sed -e 's/^name: order_processing/name: crash_orders/' -e 's#path: /api/orders#path: /api/crash#' \
    -e "s/mode: sync/mode: $MODE/" examples/flows/order_processing.yaml > "$tmp/flows/crash_orders.yaml"
grep -q "mode: $MODE" "$tmp/flows/crash_orders.yaml" || { echo "crash.sh: could not make the order flow $MODE" >&2; exit 1; }
: > "$acks"

start_server() {
  ./xerv serve --flows "$tmp/flows" --data-dir "$data" --port "$PORT" --durability "$DURABILITY" >> "$tmp/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 1200); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/health" 2>/dev/null)" == 200 ]] && return 0
    kill -0 "$server_pid" 2>/dev/null || { echo "crash.sh: the host exited:" >&2; tail -n 40 "$tmp/server.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "crash.sh: the host did not answer /health within 120 s" >&2
  exit 1
}

live_traces() {
  curl -s "$URL/health" | sed -n 's/.*"liveTraces":\([0-9]*\).*/\1/p'
}

echo "# $(date -u) $(nproc) cores, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- 2>/dev/null || echo ' with uncommitted changes')"
echo "# kills: $KILLS, connections: $CONNECTIONS, durability: $DURABILITY, mode: $MODE, seed: $SEED"
for k in $(seq 1 "$KILLS"); do
  start_server
  ACK_FILE="$acks" wrk -t1 -c"$CONNECTIONS" -d60s --timeout 5s -s bench/http/ack.lua "$URL/api/crash" > "$tmp/wrk-$k.txt" 2>&1 &
  wrk_pid=$!
  delay_ms=$(( 2000 + RANDOM % 3001 ))
  sleep "$(awk -v ms="$delay_ms" 'BEGIN {printf "%.3f", ms / 1000}')"
  before=$(grep -vc '^#' "$acks" || true)
  kill -9 "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
  kill -INT "$wrk_pid" 2>/dev/null || true
  wait "$wrk_pid" 2>/dev/null || true
  wrk_pid=""
  echo "kill $k: SIGKILL after ${delay_ms} ms of load; $before trace ids acknowledged so far"
done

# The last start recovers the unfinished traces; wait until none runs.
start_server
for _ in $(seq 1 1200); do
  [[ "$(live_traces)" == 0 ]] && break
  sleep 0.1
done
echo "after the last restart: $(live_traces) live traces"
sampled=0
not_completed=0
for id in $(grep -v '^#' "$acks" | shuf -n 100 --random-source=<(yes "$SEED")); do
  sampled=$((sampled + 1))
  # The trace's own status is the first "status" of its report (the nodes' come after).
  status=$(curl -s "$URL/api/v1/traces/$id" | grep -o '"status":"[a-z]*"' | head -n 1 | cut -d'"' -f4 || true)
  if [[ "$status" != completed ]]; then
    not_completed=$((not_completed + 1))
    echo "  GET /api/v1/traces/$id: status '${status:-none}'"
  fi
done
echo "GET /api/v1/traces/{id} of $sampled sampled acknowledged ids: $((sampled - not_completed)) completed"
kill "$server_pid"
for _ in $(seq 1 300); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$server_pid" 2>/dev/null; then
  echo "the host did not stop within 30 s of SIGTERM; killed"
  kill -9 "$server_pid"
fi
wait "$server_pid" 2>/dev/null || true
server_pid=""

"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -cp 'bench/target/xerv-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*' io.xerv.bench.http.CrashCheck "$data/wal" "$acks"
