#!/usr/bin/env bash
# The cluster for real (docs/scaling.md): builds the image, brings up docker-compose.yml (3 KRaft brokers,
# 2 distributed Connect workers with the DuckDB sink, 2 app instances), replays one real season into it with
# `replay --produce-only`, kills one broker and one app instance during the replay (docker kill) and restarts them,
# waits until the apps and the sink have processed everything, then checks that every warehouse table equals the
# one an embedded-default replay of the same season produces (same image), answers a key lookup through each app
# instance, and tears everything down. Last line: `cluster: N tables equal, M rows, K kills survived`; exit status
# non-zero on any difference.
#
#   docker/cluster-test.sh                       # season 2023-24 from ../shared/data/nba
#   SEASON=2021-22 NBA_DATA=/path/to/nba docker/cluster-test.sh
# Settings (environment): SEASON, NBA_DATA (a directory in the ../shared/data/nba layout), KEEP_CLUSTER=1 (leave
# it running), INSTANCES=1 and KILLS=0 (measurements for docs/scaling.md, not the test), KILL_AFTER (seconds after the replay starts before the broker kill, default 10), DOWN_FOR (seconds
# a killed container stays down, default 20), DRAIN_TIMEOUT (default PT90M), OUT_DIR (default target/cluster-test),
# NICE (niceness of a docker daemon this script starts, default 19).
# Needs: Debian/Ubuntu with root for the installs it makes when something is missing (docker.io, docker-compose,
# debootstrap). Without a reachable image registry it builds the Debian base image with debootstrap.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SEASON="${SEASON:-2023-24}"
DATA="${NBA_DATA:-${NBA_SHARED_DATA:-$ROOT/../shared/data/nba}}"
P="${COMPOSE_PROJECT_NAME:-nbapropsct}"
OUT="${OUT_DIR:-$ROOT/target/cluster-test}"
KILL_AFTER="${KILL_AFTER:-10}"
DOWN_FOR="${DOWN_FOR:-20}"
DRAIN_TIMEOUT="${DRAIN_TIMEOUT:-PT90M}"
INSTANCES="${INSTANCES:-2}"   # app instances: 2, or 1 for a scaling measurement (app2 removed after start)
KILLS="${KILLS:-1}"           # 0: no kills (a scaling measurement, not the test)
[[ "$INSTANCES" == 1 ]] && KILLS=0
IMAGE=nba-props-streams
# The query API's token (docker-compose.yml passes it to both instances): a fresh one per run unless given.
export QUERY_AUTH_TOKEN="${QUERY_AUTH_TOKEN:-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')}"
BOOT="kafka1:9092,kafka2:9092,kafka3:9092"
TABLES=(nba_analytics.player_game_summary nba_analytics.team_offense_game_summary
  nba_analytics.team_defense_game_summary nba_analytics.upcoming_player_game_context
  nba_analytics.upcoming_team_game_context nba_precompute.team_defense_zone_analysis
  nba_precompute.player_shot_zone_analysis nba_precompute.player_composite_factors
  nba_precompute.player_daily_cache nba_precompute.ml_feature_store)

T0=$(date +%s)
declare -a TIMINGS=()
log() { printf '[%s +%4ss] %s\n' "$(date -u +%H:%M:%S)" "$(( $(date +%s) - T0 ))" "$*"; }
phase_start() { PHASE_T=$(date +%s); log "$1"; }
phase_end() { TIMINGS+=("$(printf '%-44s %6ss' "$1" "$(( $(date +%s) - PHASE_T ))")"); }
die() { log "FAILED: $*"; echo "cluster: FAILED ($*)"; exit 1; }
dc() { docker-compose -p "$P" "$@"; }
cname() { echo "${P}_$1_1"; }

[[ -d "$DATA" ]] || die "no data directory $DATA (set NBA_DATA)"
DATA="$(cd "$DATA" && pwd)"
mkdir -p "$OUT"

# ---- 1. what it needs --------------------------------------------------------------------------------------
phase_start "checking docker, docker-compose, debootstrap"
missing=()
command -v docker > /dev/null || missing+=(docker.io)
command -v dockerd > /dev/null || missing+=(docker.io)
command -v docker-compose > /dev/null || missing+=(docker-compose)
command -v debootstrap > /dev/null || missing+=(debootstrap)
if (( ${#missing[@]} )); then
  log "installing ${missing[*]}"
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io docker-compose debootstrap
fi
if ! docker info > /dev/null 2>&1; then
  log "starting the docker daemon (log /tmp/dockerd.log, niceness ${NICE:-19})"
  nohup nice -n "${NICE:-19}" dockerd > /tmp/dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info > /dev/null 2>&1 && break; sleep 1; done
  docker info > /dev/null 2>&1 || die "the docker daemon did not start (see /tmp/dockerd.log)"
fi
if ! docker image inspect debian:bookworm-slim > /dev/null 2>&1; then
  if ! docker pull debian:bookworm-slim > /dev/null 2>&1; then
    log "no image registry: building debian:bookworm-slim with debootstrap (about 3 minutes)"
    rootfs="$(mktemp -d)"
    debootstrap --variant=minbase bookworm "$rootfs" > "$OUT/debootstrap.log" 2>&1 \
      || die "debootstrap failed, see $OUT/debootstrap.log"
    tar -C "$rootfs" -c . | docker import - debian:bookworm-slim > /dev/null
    rm -rf "$rootfs"
  fi
fi
# Behind a TLS-intercepting proxy the build stage needs its CA to reach Maven Central (docker/ca-certificates/).
if compgen -G "/usr/local/share/ca-certificates/*.crt" > /dev/null; then
  cp /usr/local/share/ca-certificates/*.crt docker/ca-certificates/
fi
phase_end "prerequisites"

# ---- 2. image ----------------------------------------------------------------------------------------------
phase_start "docker-compose build"
COMPOSE_DOCKER_CLI_BUILD=0 DOCKER_BUILDKIT=0 dc build > "$OUT/build.log" 2>&1 || die "build failed, see $OUT/build.log"
IMAGE_ID="$(docker image inspect -f '{{.Id}}' "$IMAGE")"
phase_end "image build (docker-compose build)"

cleanup() {
  local rc=$?
  if [[ "${KEEP_CLUSTER:-0}" == "1" ]]; then
    log "KEEP_CLUSTER=1: leaving project $P running (docker-compose -p $P down -v to remove)"
  else
    log "tearing down"
    mkdir -p "$OUT/logs"
    for s in kafka1 kafka2 kafka3 connect1 connect2 connect-init app1 app2; do
      docker logs "$(cname "$s")" > "$OUT/logs/$s.log" 2>&1 || true
    done
    docker logs "${P}_replayer" > "$OUT/logs/replayer.log" 2>&1 || true
    docker rm -f "${P}_replayer" > /dev/null 2>&1 || true
    NBA_DATA="$DATA" dc down -v --remove-orphans > /dev/null 2>&1 || true
  fi
  exit $rc
}
trap cleanup EXIT

# Exports every table of the DuckDB warehouse in volume $1 (file $2 inside it) to CSV files in directory $3.
export_tables() {
  local vol="$1" file="$2" dest="$3"
  mkdir -p "$dest"
  docker run --rm --entrypoint bash -v "$vol:/w" -v "$dest:/out" -e TABLES="${TABLES[*]}" "$IMAGE" -c '
    set -e
    for t in $TABLES; do
      java -Xmx1g -cp "/app/nba-props-streams-embedded.jar:/app/lib/*" dev.nbaprops.cli.Main export --state-dir /tmp/x \
        --set warehouse.duckdb.path=/w/'"$file"' --table "$t" --format csv --out "/out/$t.csv"
    done' > "$dest.log" 2>&1 || die "export from $vol failed, see $dest.log"
}

# ---- 3. the reference: an embedded-default replay of the same season, same image ----------------------------
REF_VOL="nbaprops-ref-${IMAGE_ID:7:12}-$SEASON"
phase_start "reference: embedded-default replay of $SEASON (volume $REF_VOL)"
if docker volume inspect "$REF_VOL" > /dev/null 2>&1 \
   && docker run --rm --entrypoint test -v "$REF_VOL:/state" "$IMAGE" -f /state/reference.done; then
  log "reusing the reference of this image and season"
  phase_end "reference replay (reused, same image id)"
else
  docker volume rm "$REF_VOL" > /dev/null 2>&1 || true
  docker run --rm -e JAVA_OPTS=-Xmx2g -v "$REF_VOL:/state" -v "$DATA:/data:ro" "$IMAGE" \
    replay --data /data --seasons "$SEASON" --exit-when-done --state-dir /state > "$OUT/reference.log" 2>&1 \
    || die "the reference replay failed, see $OUT/reference.log"
  docker run --rm --entrypoint touch -v "$REF_VOL:/state" "$IMAGE" /state/reference.done
  grep -E "replayed|all derived rows" "$OUT/reference.log" | sed 's/^/  reference: /' || true
  phase_end "reference replay (embedded default, one JVM + broker)"
fi
rm -rf "$OUT/reference" "$OUT/cluster"
export_tables "$REF_VOL" warehouse.duckdb "$OUT/reference"

# ---- 4. the cluster ----------------------------------------------------------------------------------------
phase_start "docker-compose up (3 brokers, 2 Connect workers + connect-init, 2 app instances)"
NBA_DATA="$DATA" dc down -v --remove-orphans > /dev/null 2>&1 || true
NBA_DATA="$DATA" dc up -d > "$OUT/up.log" 2>&1 || die "docker-compose up failed, see $OUT/up.log"
wait_healthy() {
  local c="$1" limit="${2:-300}" s
  for _ in $(seq 1 "$limit"); do
    s="$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$c" 2>/dev/null || echo missing)"
    [[ "$s" == healthy ]] && return 0
    sleep 1
  done
  log "$c is $s after ${limit}s"
  return 1
}
for s in kafka1 kafka2 kafka3 connect1 connect2 app1 app2; do
  wait_healthy "$(cname "$s")" 400 || die "$s did not become healthy"
done
for _ in $(seq 1 300); do
  st="$(docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$(cname connect-init)" 2>/dev/null || echo missing)"
  [[ "$st" == "exited 0" ]] && break
  sleep 1
done
[[ "$st" == "exited 0" ]] || die "connect-init did not submit the sink ($st)"
log "cluster up: $(docker logs "$(cname connect-init)" 2>&1 | tail -1 | cut -c1-160)"
ps -eo ni,comm | awk '$2 == "java" { n[$1]++ } END { for (k in n) printf "  java processes at niceness %s: %d\n", k, n[k] }'
if [[ "$INSTANCES" == 1 ]]; then
  log "INSTANCES=1: removing app2"
  dc rm -sf app2 > /dev/null 2>&1
fi
phase_end "cluster start until every service healthy"

# ---- 5. replay with kills ----------------------------------------------------------------------------------
phase_start "replay $SEASON --produce-only into the cluster, with kills"
docker rm -f "${P}_replayer" > /dev/null 2>&1 || true
NBA_DATA="$DATA" dc run -d --name "${P}_replayer" replayer --seasons "$SEASON" > /dev/null 2>&1
REPLAY_T=$(date +%s)
kills=0
survived=0
replaying() { docker inspect -f '{{.State.Running}}' "${P}_replayer" 2>/dev/null || echo false; }
if [[ "$KILLS" == 1 ]]; then
  # Broker and app instance down at the same time, both while the producer is still sending: kafka2 at +KILL_AFTER,
  # app2 10 s later; each restarted DOWN_FOR seconds after its kill.
  sleep "$KILL_AFTER"
  log "docker kill kafka2 (replay producer running: $(replaying))"
  docker kill "$(cname kafka2)" > /dev/null; kills=$((kills + 1))
  sleep 10
  log "docker kill app2 (replay producer running: $(replaying))"
  docker kill "$(cname app2)" > /dev/null; kills=$((kills + 1))
  sleep $(( DOWN_FOR > 10 ? DOWN_FOR - 10 : 0 ))
  log "docker start kafka2"
  docker start "$(cname kafka2)" > /dev/null
  sleep 10
  log "docker start app2 (replay producer running: $(replaying))"
  docker start "$(cname app2)" > /dev/null
  for s in kafka2 app2; do
    if wait_healthy "$(cname "$s")" 600; then
      survived=$((survived + 1)); log "$s healthy again"
    fi
  done
else
  log "KILLS=0: no kills"
fi
rc="$(docker wait "${P}_replayer")"
docker logs "${P}_replayer" > "$OUT/replayer.log" 2>&1 || true
resumed=0
if [[ "$rc" != 0 ]]; then
  log "the replay producer exited with $rc (tail of its log below); continuing it with --resume"
  tail -5 "$OUT/replayer.log" | sed 's/^/  /'
  docker rm -f "${P}_replayer" > /dev/null
  NBA_DATA="$DATA" dc run --name "${P}_replayer" replayer --seasons "$SEASON" --resume > "$OUT/replayer-resume.log" 2>&1 \
    || die "the resumed replay failed too, see $OUT/replayer-resume.log"
  resumed=1
fi
grep -hE "^replayed|read .* accepted" "$OUT/replayer.log" "$OUT/replayer-resume.log" 2>/dev/null | tail -2 | sed 's/^/  /' || true
TIMINGS+=("$(printf '%-44s %6ss' "replay produce phase (incl. kills)" "$(( $(date +%s) - REPLAY_T ))")")

phase_start "waiting until the apps and the sink have processed everything"
docker run --rm --network "${P}_default" "$IMAGE" drained --bootstrap-servers "$BOOT" --timeout "$DRAIN_TIMEOUT" \
  --state-dir /tmp/drained > "$OUT/drained.log" 2>&1 || { tail -3 "$OUT/drained.log"; die "not drained, see $OUT/drained.log"; }
tail -1 "$OUT/drained.log" | sed 's/^/  /'
phase_end "drain after the producer finished"
TIMINGS+=("$(printf '%-44s %6ss' "replay start until drained" "$(( $(date +%s) - REPLAY_T ))")")

# ---- 6. key lookups through each app instance ----------------------------------------------------------------
phase_start "key lookups through app1 and app2"
lookups=0
# a (player, date) key of the reference daily cache: the columns named player_id and cache_date
read -r pid day < <(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "player_id") p = i; if ($i == "cache_date") d = i } next }
  NR == 1000 { print $p, $d; exit }' "$OUT/reference/nba_precompute.player_daily_cache.csv") || true
[[ -n "${pid:-}" && -n "${day:-}" ]] || die "no player_id/cache_date key in the reference daily cache"
declare -A bodies=()
ports=("${APP1_PORT:-7070}"); [[ "$INSTANCES" == 1 ]] || ports+=("${APP2_PORT:-7071}")
for port in "${ports[@]}"; do
  body="$(curl -s -w '\n%{http_code}' -H "Authorization: Bearer $QUERY_AUTH_TOKEN" \
    "http://127.0.0.1:$port/players/$pid/daily-cache?date=$day")"
  code="${body##*$'\n'}"; body="${body%$'\n'*}"
  if [[ "$code" == 200 && "$body" == *"$pid"* ]]; then
    lookups=$((lookups + 1)); bodies[$port]="$body"
    log "localhost:$port /players/$pid/daily-cache?date=$day -> 200, ${#body} bytes"
  else
    log "localhost:$port /players/$pid/daily-cache?date=$day -> $code: ${body:0:200}"
  fi
done
if (( lookups == 2 )) && [[ "${bodies[${APP1_PORT:-7070}]}" != "${bodies[${APP2_PORT:-7071}]}" ]]; then
  log "the two instances answered differently"; lookups=0
fi
phase_end "key lookups"

# ---- 7. the warehouse against the reference ------------------------------------------------------------------
phase_start "stopping the Connect workers (DuckDB allows one process per file) and comparing the warehouse"
dc stop connect1 connect2 > /dev/null 2>&1
export_tables "${P}_warehouse" warehouse.duckdb "$OUT/cluster"
# Cell by cell (`compare`): equal when every cell is the same text or the same number within a relative 1e-9.
tables_csv="$(IFS=,; echo "${TABLES[*]}")"
docker run --rm -v "$OUT:/out" "$IMAGE" compare /out/reference /out/cluster --tables "$tables_csv" \
  > "$OUT/compare.log" 2>&1 || true
sed 's/^/  /' "$OUT/compare.log"
read -r equal rows < <(sed -n 's/^compared: \([0-9]*\) of [0-9]* tables equal, \([0-9]*\) rows$/\1 \2/p' "$OUT/compare.log") || true
equal="${equal:-0}"; rows="${rows:-0}"
phase_end "export and compare"

log "timings:"
printf '  %s\n' "${TIMINGS[@]}" | tee "$OUT/timings.txt"
printf '  %-44s %6ss\n' "total" "$(( $(date +%s) - T0 ))" | tee -a "$OUT/timings.txt"
(( resumed )) && log "note: the replay producer failed once and was continued with --resume"
ok=1
(( equal == ${#TABLES[@]} )) || ok=0
(( lookups == ${#ports[@]} )) || { ok=0; log "key lookups answered: $lookups of ${#ports[@]}"; }
(( survived == kills )) || ok=0
echo "cluster: $equal tables equal, $rows rows, $survived kills survived"
(( ok ))
