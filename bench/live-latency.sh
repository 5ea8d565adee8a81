#!/usr/bin/env bash
# Live latency (issue 16, docs/profiles.md): the app on the embedded default with the live profile; one real night
# played by the live pollers against the local fixture server, round by round; for every final box-score line
# fetched, the time until its player_game_summary row and its ml_feature_store row answer over the query API.
# Prints p50/p90/p99/max; exit status 1 when a row never showed up.
#   bench/live-latency.sh                                  # the bundled slice, night 2023-10-30 after 10-24..10-29
#   bench/live-latency.sh --night 2023-11-01 --history-from 2023-10-24 --set commit.interval.ms=50
# Runs at the niceness NICE (default 0: a latency figure wants the CPU); work dir target/live-latency.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CP_FILE="$ROOT/embedded/target/bench-test.classpath"
if [[ ! -f "$CP_FILE" || "${NBA_PROPS_REBUILD:-1}" == "1" ]]; then
  echo "building (mvn test-compile, offline)..." >&2
  mvn -B -o -q -pl embedded -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-test.classpath -Dmdep.includeScope=test >&2
fi
JAVA="java"
[[ -n "${JAVA_HOME:-}" ]] && JAVA="$JAVA_HOME/bin/java"
CP="$ROOT/embedded/target/test-classes:$ROOT/embedded/target/classes:$(cat "$CP_FILE")"
exec nice -n "${NICE:-0}" "$JAVA" -Xmx768m -cp "$CP" dev.nbaprops.live.LiveLatencyBench "$@"
