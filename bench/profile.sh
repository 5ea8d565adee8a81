#!/usr/bin/env bash
# CPU profile of a replay benchmark: records JFR while bench/replay.sh runs, then summarises the samples
# (by thread, top self methods, inclusive share of project classes and library hot spots).
#   bench/profile.sh --seasons 2023-24                 profile one season (extra args go to bench/replay.sh)
#   bench/profile.sh --summary FILE.jfr [top] [thread-substring] [Class.method]   summarise an existing recording
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CP="bench/target/bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*"
JAVA="java"; [[ -n "${JAVA_HOME:-}" ]] && JAVA="$JAVA_HOME/bin/java"
if [[ "${1:-}" == "--summary" ]]; then
  shift
  exec "$JAVA" -cp "$CP" dev.nbaprops.bench.ProfileSummary "$@"
fi
OUT="${PROFILE_OUT:-bench/target/replay-$(date +%Y%m%d-%H%M%S).jfr}"
BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:--Xmx512m -XX:TieredStopAtLevel=1} -XX:StartFlightRecording=filename=$OUT,settings=profile" bench/replay.sh "$@"
"$JAVA" -cp "$CP" dev.nbaprops.bench.ProfileSummary "$OUT" 40
echo "recording: $OUT"
