#!/usr/bin/env bash
# Replay benchmark: full seasons from ../shared on the embedded default; prints figures (see bench/RESULTS.md).
#   bench/replay.sh                                  all seasons in ../shared/data/nba
#   bench/replay.sh --seasons 2022-23,2023-24        a subset
#   bench/replay.sh --data DIR                       another data directory
#   bench/replay.sh --settings precompute.interval.ms=5000   app settings (key=value,key=value)
#   bench/replay.sh --json FILE                      also write the figures as one JSON object
#   bench/replay.sh --churn true                     also: versions per derived row and the fields that changed
#   BENCH_JAVA_OPTS="-Xmx512m -XX:StartFlightRecording=filename=x.jfr,settings=profile" bench/replay.sh   JVM options
#     (default: the launcher's, -Xmx512m -XX:TieredStopAtLevel=1; the broker JVM: --settings embedded.kafka.jvm.options=...)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [[ ! -d bench/target/lib || "${NBA_PROPS_REBUILD:-0}" == "1" ]]; then
  mvn -q -B -DskipTests package >&2
fi
ARGS=("$@")
[[ " ${ARGS[*]-} " == *" --data "* ]] || ARGS+=(--data "$ROOT/../shared/data/nba")
JAVA="java"; [[ -n "${JAVA_HOME:-}" ]] && JAVA="$JAVA_HOME/bin/java"
exec "$JAVA" ${BENCH_JAVA_OPTS:--Xmx512m -XX:TieredStopAtLevel=1} -cp "bench/target/bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*" dev.nbaprops.bench.ReplayBenchmark "${ARGS[@]}"
