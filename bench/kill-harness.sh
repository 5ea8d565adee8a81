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
# shellcheck source=bench/harness-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/harness-env.sh"
exec nice -n "${NICE:-19}" "$JAVA" -Xmx1g -cp "$CP" dev.nbaprops.reliability.KillHarness "$@"
