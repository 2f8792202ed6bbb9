#!/usr/bin/env bash
# Events benchmark (issue #8): latency from a producing service's commit to the event being stored (queryable) in
# event-service, p50/p99, and events/s stored, at a sustained rate and in a burst. Starts the embedded stack on a
# fresh data directory, runs bench/EventsBench.java with event-service's classpath (Kafka client, MongoDB driver,
# Spring Boot) and this checkout's platform jar, stops everything.
# Usage: bench/events.sh [rate-per-second] [seconds] [burst]   (defaults 1000, 30, 20000)
set -euo pipefail
cd "$(dirname "$0")/.."
RATE="${1:-1000}"
SECONDS_PER="${2:-30}"
BURST="${3:-20000}"
export MEDBASE_DATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/medbase-bench-XXXXXX")"
export MEDBASE_GATEWAY_TOKENRATELIMIT_PERSECOND=1000000
export MEDBASE_GATEWAY_TOKENRATELIMIT_BURST=1000000
CP_FILE="$MEDBASE_DATA_DIR/events.classpath"
trap './medbase stop >/dev/null 2>&1 || true; rm -rf "$MEDBASE_DATA_DIR"' EXIT

./mvnw -q -B dependency:build-classpath -pl event-service -Dmdep.outputFile="$CP_FILE" >/dev/null
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
source bench/jvm.sh
./medbase start --background >/dev/null
# This checkout's platform (the outbox workload runs its publisher and relay), ahead of any installed copy.
PLATFORM_JAR="$(ls platform/target/platform-*.jar | grep -v -e sources -e javadoc -e tests | head -1)"
java -cp "$PLATFORM_JAR:$(cat "$CP_FILE")" bench/EventsBench.java "http://localhost:${MEDBASE_PORT:-8080}" \
  "localhost:${MEDBASE_KAFKA_PORT:-9092}" "mongodb://127.0.0.1:${MEDBASE_MONGO_PORT:-27017}/medbase-events" \
  "${MEDBASE_CLIENT_ID:-medbase-devstack}" "${MEDBASE_CLIENT_SECRET:-medbase-devstack-secret}" \
  "${MEDBASE_ADMIN_EMAIL:-admin@medbase.local}" "${MEDBASE_ADMIN_PASSWORD:-Medbase-admin-1}" \
  "$RATE" "$SECONDS_PER" "$BURST"
echo
echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1), load before start: $LOAD_BEFORE, after run: $(cut -d' ' -f1-3 /proc/loadavg)"
