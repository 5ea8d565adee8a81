#!/usr/bin/env bash
# Entry point of the nba-props-streams image: one image, several roles (see the Dockerfile).
#   broker [key=value ...]        KRaft broker+controller; key=value lines override the defaults below
#   connect [key=value ...]       distributed Connect worker (connectors/config/worker-distributed.properties)
#   connect-init [key=value ...]  PUT the DuckDB sink (connectors/config/duckdb-sink.properties + overrides) to
#                                 $CONNECT_URL, wait until its task runs, exit 0
#   anything else                 the CLI: run, replay, export, live, --help
# JVM options: JAVA_OPTS (each role has a default heap).
set -euo pipefail
APP=/app
CP="$APP/nba-props-streams-embedded.jar:$APP/lib/*"
role="${1:-run}"

# key=value arguments and defaults -> a properties file (later lines win, so arguments override defaults)
write_props() {
  local file="$1"; shift
  : > "$file"
  for kv in "$@"; do
    [[ "$kv" == *=* ]] || { echo "expected key=value, got '$kv'" >&2; exit 2; }
    printf '%s\n' "$kv" >> "$file"
  done
}

case "$role" in
  broker)
    shift
    : "${KAFKA_CLUSTER_ID:?set KAFKA_CLUSTER_ID (the same for every broker of a cluster)}"
    dir=/var/lib/kafka
    mkdir -p "$dir/data"
    write_props "$dir/server.properties" \
      process.roles=broker,controller \
      listeners=INTERNAL://:9092,EXTERNAL://:19092,CONTROLLER://:9093 \
      listener.security.protocol.map=INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT \
      inter.broker.listener.name=INTERNAL \
      controller.listener.names=CONTROLLER \
      log.dirs="$dir/data" \
      num.partitions=4 \
      default.replication.factor=3 \
      min.insync.replicas=2 \
      offsets.topic.replication.factor=3 \
      transaction.state.log.replication.factor=3 \
      transaction.state.log.min.isr=2 \
      share.coordinator.state.topic.replication.factor=3 \
      share.coordinator.state.topic.min.isr=2 \
      auto.create.topics.enable=false \
      group.initial.rebalance.delay.ms=0 \
      log.cleaner.dedupe.buffer.size=33554432 \
      "$@"
    if [[ ! -f "$dir/data/meta.properties" ]]; then
      java -Xmx256m -Dlog4j2.configurationFile="$APP/docker/log4j2-console.xml" -cp "$CP" \
        kafka.tools.StorageTool format -t "$KAFKA_CLUSTER_ID" -c "$dir/server.properties"
    fi
    # shellcheck disable=SC2086
    exec java ${JAVA_OPTS:--Xms256m -Xmx512m} -XX:+UseG1GC -Dlog4j2.configurationFile="$APP/docker/log4j2-console.xml" \
      -cp "$CP" kafka.Kafka "$dir/server.properties"
    ;;
  connect)
    shift
    mkdir -p /var/lib/connect
    cp "$APP/connector-config/worker-distributed.properties" /var/lib/connect/worker.properties
    for kv in "$@"; do printf '%s\n' "$kv" >> /var/lib/connect/worker.properties; done
    # shellcheck disable=SC2086
    exec java ${JAVA_OPTS:--Xms256m -Xmx768m} -XX:+UseG1GC -Dlog4j2.configurationFile="$APP/docker/log4j2-console.xml" \
      -cp "$CP" org.apache.kafka.connect.cli.ConnectDistributed /var/lib/connect/worker.properties
    ;;
  connect-init)
    shift
    url="${CONNECT_URL:-http://connect1:8083}"
    props="${CONNECTOR_PROPERTIES:-$APP/connector-config/duckdb-sink.properties}"
    # properties (comments, blank lines, backslash continuations) + key=value overrides -> one JSON object
    json=$( { cat "$props"; echo; for kv in "$@"; do printf '%s\n' "$kv"; done; } | awk '
      function esc(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return s }
      BEGIN { line = "" }
      {
        sub(/\r$/, "")
        if (line == "" && ($0 ~ /^[ \t]*#/ || $0 ~ /^[ \t]*!/ || $0 ~ /^[ \t]*$/)) next
        s = $0; if (line != "") sub(/^[ \t]+/, "", s)
        if (s ~ /\\$/) { line = line substr(s, 1, length(s) - 1); next }
        line = line s
        i = index(line, "="); k = substr(line, 1, i - 1); v = substr(line, i + 1)
        gsub(/^[ \t]+|[ \t]+$/, "", k); gsub(/^[ \t]+/, "", v)
        if (!(k in seen)) order[++n] = k
        seen[k] = 1; val[k] = v; line = ""
      }
      END {
        printf "{"; for (j = 1; j <= n; j++) printf "%s\"%s\":\"%s\"", (j > 1 ? "," : ""), esc(order[j]), esc(val[order[j]]); printf "}"
      }')
    name=$(printf '%s' "$json" | sed -n 's/.*"name":"\([^"]*\)".*/\1/p')
    [[ -n "$name" ]] || { echo "no name= in $props" >&2; exit 2; }
    echo "waiting for Connect at $url"
    for _ in $(seq 1 120); do curl -sf "$url/connectors" > /dev/null && break; sleep 2; done
    echo "submitting connector $name: $json"
    curl -sf -X PUT -H 'Content-Type: application/json' --data "$json" "$url/connectors/$name/config"; echo
    for _ in $(seq 1 90); do
      status=$(curl -sf "$url/connectors/$name/status" || true)
      if [[ "$status" == *'"tasks":[{'*'"state":"RUNNING"'* ]] && [[ "$status" != *FAILED* ]]; then
        echo "connector $name running: $status"; exit 0
      fi
      sleep 2
    done
    echo "connector $name not running after 180 s: $status" >&2
    exit 1
    ;;
  *)
    # shellcheck disable=SC2086
    exec java ${JAVA_OPTS:--Xmx1536m} -cp "$CP" dev.nbaprops.cli.Main "$@"
    ;;
esac
