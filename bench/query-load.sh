#!/usr/bin/env bash
# Query API load check on localhost: requests/s and p99 latency for key lookups and date-wide queries, with one
# app instance and with two (same application id; lookups routed to the owner, date-wide queries gathered).
#   bench/query-load.sh                       the bundled slice (data/nba-slice), 20 s per scenario
#   bench/query-load.sh --data DIR            another data directory (e.g. ../shared/data/nba)
#   DURATION=30s CONNECTIONS=16 bench/query-load.sh
#   WARMUP=0 bench/query-load.sh              no untimed warm-up run before each scenario (default 10s)
#   INSTANCES=2 JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/q.jfr" bench/query-load.sh   one setup, a profile
# Needs wrk (apt-get install -y wrk). Traffic goes to 127.0.0.1 only; every run is bounded by DURATION.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }
if [[ ! -d bench/target/lib || "${NBA_PROPS_REBUILD:-0}" == "1" ]]; then
  mvn -q -B -DskipTests package >&2
fi
DURATION="${DURATION:-20s}"
WARMUP="${WARMUP:-10s}"
CONNECTIONS="${CONNECTIONS:-16}"
THREADS="${THREADS:-2}"
DATA="data/nba-slice"
[[ "${1:-}" == "--data" ]] && DATA="$2"
JAVA="java"; [[ -n "${JAVA_HOME:-}" ]] && JAVA="$JAVA_HOME/bin/java"
WORK="$(mktemp -d)"
trap 'exec 3>&- 2>/dev/null || true; [[ -n "${SERVER:-}" ]] && wait "$SERVER" 2>/dev/null; rm -rf "$WORK"' EXIT

# Starts N instances, waits for READY, sets PORTS.
start() {
  mkfifo "$WORK/in.$1"
  # shellcheck disable=SC2086
  "$JAVA" -Xmx2g ${JAVA_OPTS:-} -cp "bench/target/bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*" dev.nbaprops.bench.QueryBenchServer \
    --data "$DATA" --instances "$1" --base-port 17170 --max-seconds 1200 \
    <"$WORK/in.$1" >"$WORK/out.$1" 2>"$WORK/err.$1" &
  SERVER=$!
  exec 3>"$WORK/in.$1"
  for _ in $(seq 1 600); do
    grep -q '^READY' "$WORK/out.$1" && break
    kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/err.$1" >&2; exit 1; }
    sleep 1
  done
  PORTS="$(sed -n 's/^READY //p' "$WORK/out.$1")"
  [[ -n "$PORTS" ]] || { echo "server not ready" >&2; exit 1; }
}

stop() {
  exec 3>&-
  wait "$SERVER" || true
  SERVER=""
}

# A wrk script cycling through the given paths.
script() {
  local f="$WORK/$1.lua"; shift
  { echo "local paths = {"; for p in "$@"; do echo "  \"$p\","; done; echo "}"
    echo 'local i = 0'
    echo 'request = function() i = i + 1; return wrk.format("GET", paths[(i % #paths) + 1]) end'
    echo 'done = function(summary, latency, requests)'
    echo '  local non2xx = summary.errors.status'
    echo '  io.write(string.format("RESULT %.0f %.2f %.2f %d %d\n", summary.requests / (summary.duration / 1e6),'
    echo '    latency:percentile(50) / 1000, latency:percentile(99) / 1000, non2xx, summary.requests))'
    echo 'end'; } >"$f"
  echo "$f"
}

run() { # label port script
  local out
  # Warm-up first, not counted: a fresh JVM runs a route interpreted until the JIT has compiled it, which alone
  # put p99 of the first 10 s of key lookups at 34 ms against 9-13 ms afterwards (bench/RESULTS.md).
  [[ "$WARMUP" == "0" || "$WARMUP" == "0s" ]] || wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" --timeout 10s -s "$3" \
    "http://127.0.0.1:$2" >/dev/null
  out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s -s "$3" "http://127.0.0.1:$2" | grep '^RESULT')"
  read -r _ rps p50 p99 non2xx total <<<"$out"
  printf '| %-44s | %9s | %8s | %8s | %9s |\n' "$1" "$rps" "$p50" "$p99" "$non2xx/$total"
}

paths() { # port -> key-lookup and date-wide paths from the data itself
  local port=$1 d
  KEYS=(); DATES=()
  for d in 2022-10-21 2022-10-28 2022-11-04 2023-10-27 2023-11-01 2023-11-08 2023-11-15; do
    DATES+=("/dates/$d/player-daily-cache")
    for id in $(curl -s "http://127.0.0.1:$port/dates/$d/player-daily-cache" | grep -o '"player_id" *: *[0-9]*' \
        | grep -o '[0-9]*$' | head -60); do
      KEYS+=("/players/$id/daily-cache?date=$d")
    done
  done
  [[ ${#KEYS[@]} -gt 100 ]] || { echo "too few keys (${#KEYS[@]}): is the data replayed?" >&2; exit 1; }
}

echo "query load: data $DATA, wrk -t$THREADS -c$CONNECTIONS -d$DURATION after a $WARMUP warm-up, $(nproc) cores, $(date -u +%F)"
echo
echo "| scenario                                     | req/s     | p50 ms   | p99 ms   | non-2xx   |"
echo "|----------------------------------------------|-----------|----------|----------|-----------|"
# One setup: N instances started, the paths read from the data, both scenarios, stopped.
setup() { # n key-label date-label
  start "$1"
  P1="${PORTS%%,*}"
  paths "$P1"
  K="$(script "keys$1" "${KEYS[@]}")"; D="$(script "dates$1" "${DATES[@]}")"
  run "${2//%k/${#KEYS[@]}}" "$P1" "$K"
  run "$3" "$P1" "$D"
  stop
}
INSTANCES="${INSTANCES:-1 2}"
[[ " $INSTANCES " == *" 1 "* ]] && setup 1 "1 instance: key lookup (%k keys)" "1 instance: date-wide, all players of a date"
[[ " $INSTANCES " == *" 2 "* ]] && setup 2 "2 instances: key lookup (half routed)" \
  "2 instances: date-wide (gathered from both)"
exit 0
