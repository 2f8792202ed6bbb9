#!/usr/bin/env bash
# Tasks benchmark (issue #9): queue throughput with a no-op HTTP function (tasks/s from creation to completion, and
# the drain of a queue whose tasks all fall due at once), scheduling latency from startTimestamp to the start
# (p50/p99), cold and warm start of a Node function. Starts the embedded stack on a fresh data directory, runs
# bench/TasksBench.java with task-service's classpath (Jackson, MongoDB driver), stops everything.
# Usage: bench/tasks.sh [tasks] [drain-tasks]   (defaults 2000, 5000)
set -euo pipefail
cd "$(dirname "$0")/.."
TASKS="${1:-2000}"
DRAIN="${2:-5000}"
export MEDBASE_DATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/medbase-bench-XXXXXX")"
export MEDBASE_GATEWAY_TOKENRATELIMIT_PERSECOND=1000000
export MEDBASE_GATEWAY_TOKENRATELIMIT_BURST=1000000
CP_FILE="$MEDBASE_DATA_DIR/tasks.classpath"
trap './medbase stop >/dev/null 2>&1 || true; rm -rf "$MEDBASE_DATA_DIR"' EXIT

./mvnw -q -B dependency:build-classpath -pl task-service -Dmdep.outputFile="$CP_FILE" >/dev/null
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
source bench/jvm.sh
./medbase start --background >/dev/null
LOAD_STARTED="$(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "$(cat "$CP_FILE")" bench/TasksBench.java "http://localhost:${MEDBASE_PORT:-8080}" \
  "mongodb://127.0.0.1:${MEDBASE_MONGO_PORT:-27017}/medbase-tasks" \
  "${MEDBASE_CLIENT_ID:-medbase-devstack}" "${MEDBASE_CLIENT_SECRET:-medbase-devstack-secret}" \
  "${MEDBASE_ADMIN_EMAIL:-admin@medbase.local}" "${MEDBASE_ADMIN_PASSWORD:-Medbase-admin-1}" \
  "$TASKS" "$DRAIN"
echo
echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1), load before start: $LOAD_BEFORE, once started: $LOAD_STARTED, after run: $(cut -d' ' -f1-3 /proc/loadavg)"
