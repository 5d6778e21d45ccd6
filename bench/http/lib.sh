# Sourced by the HTTP harnesses (run.sh, paired.sh) after ../common.sh: the tools they need, the
# servers they start and the header their result files begin with.

LUA=bench/http/post.lua
JAVA=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xms1g -Xmx1g)
HARNESS=$(basename "$0")

command -v wrk >/dev/null || { echo "$HARNESS: needs wrk (apt-get install wrk)" >&2; exit 1; }
command -v taskset >/dev/null || { echo "$HARNESS: needs taskset (util-linux)" >&2; exit 1; }
mkdir -p bench/results

# PORT LOG: starts the bare Vert.x responder on CPU $SERVER_CPU; sets STARTED to its pid.
start_bare() {
  taskset -c "$SERVER_CPU" "${JAVA[@]}" -cp 'bench/target/xerv-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*' \
    io.xerv.bench.http.BareResponder "$1" > "$2" 2>&1 &
  STARTED=$!
}

# PORT DURABILITY FLOWS DATA LOG: starts `xerv serve` on CPU $SERVER_CPU; sets STARTED to its pid.
start_serve() {
  XERV_JAVA_OPTS="-Xms1g -Xmx1g" taskset -c "$SERVER_CPU" ./xerv serve --flows "$3" --data-dir "$4" \
    --port "$1" --durability "$2" > "$5" 2>&1 &
  STARTED=$!
}

# DIR: a folder holding the order flow alone, the webhook measured, without the start-up work (WASM
# compiles, JS engine) of the other examples on the server's one core.
order_flow_only() {
  mkdir -p "$1"
  cp examples/flows/order_processing.yaml "$1/"
}

# URL PID LOG: waits until POST URL answers 200 (at most 120 s: a first `xerv serve` may recover or
# compile); exits with the server's output when it stops first.
await_ready() {
  for _ in $(seq 1 1200); do
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
        --data '{"id":"warm","risk_score":0.1}' "$1" 2>/dev/null)" == 200 ]]; then
      return 0
    fi
    kill -0 "$2" 2>/dev/null || { echo "$HARNESS: the server exited; its output:" >&2; cat "$3" >&2; exit 1; }
    sleep 0.1
  done
  echo "$HARNESS: $1 did not answer 200 within 120 s" >&2
  exit 1
}

# The first lines of a result file: machine, JDK, wrk, load, commit.
header() {
  echo "# $(date -u) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "# $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1), $(wrk --version 2>&1 | head -n 1 | cut -d' ' -f1-2), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- 2>/dev/null || echo ' with uncommitted changes')"
}
