#!/usr/bin/env bash
# The reliability harness (docs/reliability.md, issue 19): replays real data into a broker, the app (`run`), the
# Connect worker (`connect`) and a `replay --produce-only` producer, each its own process, first without faults
# (the reference), then with faults chosen by a seed: kill -9 of each of them at random moments (restarted; the
# producer with --resume), broker bounces, optionally a full disk under the app's state dir. Compares every
# derived topic's latest values and every warehouse table with the reference, key by key. Prints the seed; the last
# lines are the figures (`kill-harness: ...`), the exit status is 0 only when nothing was lost, doubled or changed.
#
#   bench/kill-harness.sh                                   # 10 kills on the bundled slice, random seed
#   bench/kill-harness.sh --seed 42 --kills 10 --data ../shared/data/nba --seasons 2023-24
#   bench/kill-harness.sh --kills 0 --bounces 2             # broker bounces only
#   bench/kill-harness.sh --kills 0 --disk-full             # full disk under the app's state dir (needs root: tmpfs)
# Every option: bench/kill-harness.sh --help. Runs at niceness 19 (NICE to change it); work dir target/kill-harness.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  set -- --help-usage
fi
CP_FILE="$ROOT/embedded/target/kill-harness.classpath"
if [[ ! -f "$CP_FILE" || "${NBA_PROPS_REBUILD:-1}" == "1" ]]; then
  echo "building (mvn test-compile, offline)..." >&2
  nice -n "${NICE:-19}" mvn -B -o -q -pl embedded -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/kill-harness.classpath -Dmdep.includeScope=test >&2
fi
JAVA="java"
[[ -n "${JAVA_HOME:-}" ]] && JAVA="$JAVA_HOME/bin/java"
CP="$ROOT/embedded/target/test-classes:$ROOT/embedded/target/classes:$(cat "$CP_FILE")"
exec nice -n "${NICE:-19}" "$JAVA" -Xmx1g -cp "$CP" dev.nbaprops.reliability.KillHarness "$@"
