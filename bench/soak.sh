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
# shellcheck source=bench/harness-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/harness-env.sh"
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
