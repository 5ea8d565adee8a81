#!/usr/bin/env bash
# The soak (docs/reliability.md, "Soak", issue 19 item 6): one real night of the bundled slice played by
# `nba-props-streams live` at --speed 60 against a local feed server that injects random faults (5xx, hangs past the
# client's timeout, garbage bodies, slow bodies) for 30 minutes, heap and RSS of the live process sampled every 10 s;
# then no stuck partition (`drained`, consumer lag sampled all along) and every derived topic and warehouse table
# compared key by key with a replay of the same night. Prints the seed; the last lines (`soak: ...`) are the figures;
# exit 0 only when nothing is stuck and the tables equal the replay's. Plot: <work>/soak.png (needs gnuplot:
# apt-get install -y gnuplot-nox), data <work>/samples.csv.
#
#   bench/soak.sh                                   # 30 minutes, night 2023-10-30, random seed
#   bench/soak.sh --seed 42 --minutes 30 --fault-rate 0.2
#   bench/soak.sh --reference target/soak/reference # reuse the reference replay of an earlier run
# Every option: bench/soak.sh --help. Runs at niceness 19 (NICE to change it); work dir target/soak.
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
WORK="target/soak"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [[ "${args[$i]}" == "--work" ]] && WORK="${args[$((i + 1))]}"
done
rc=0
nice -n "${NICE:-19}" "$JAVA" -Xmx512m -cp "$CP" dev.nbaprops.reliability.Soak "$@" || rc=$?
if [[ "${1:-}" != "--help-usage" && -f "$WORK/soak.gp" ]]; then
  if command -v gnuplot >/dev/null; then
    gnuplot "$WORK/soak.gp" && echo "soak: plot $WORK/soak.png"
  else
    echo "soak: gnuplot not installed (apt-get install -y gnuplot-nox): plot script $WORK/soak.gp not run" >&2
  fi
fi
exit $rc
