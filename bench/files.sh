#!/usr/bin/env bash
# File benchmark (issue #7): upload and download throughput through the gateway for a large file (multipart as the
# SDK frames it, and the resumable tus path), small-file uploads/s with N threads, and the resident memory of
# file-service, the gateway and the devstack JVM during each phase. Starts the embedded stack on a fresh data
# directory with file-service's plain upload limit raised above the large file (default 8 MB, as Extra Horizon),
# runs bench/FilesBench.java, stops everything. JVM options: bench/jvm.sh's (MEDBASE_JVM_OPTS wins, e.g. to add
# -XX:StartFlightRecording).
# Timed runs follow untimed warm-up rounds of each large workload (the JIT compiles the streaming paths meanwhile).
# Usage: bench/files.sh [size-MiB] [repeats] [threads] [seconds] [warm-up rounds]   (defaults 100, 3, 8, 20, 3)
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MIB="${1:-100}"
REPEATS="${2:-3}"
THREADS="${3:-8}"
SECONDS_PER="${4:-20}"
WARMUPS="${5:-3}"
export MEDBASE_DATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/medbase-bench-XXXXXX")"
export MEDBASE_FILES_MAX_FILE_SIZE="$((SIZE_MIB + 1))MB"
export MEDBASE_GATEWAY_TOKENRATELIMIT_PERSECOND=1000000
export MEDBASE_GATEWAY_TOKENRATELIMIT_BURST=1000000
trap './medbase stop >/dev/null 2>&1 || true; rm -rf "$MEDBASE_DATA_DIR"' EXIT

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
source bench/jvm.sh
./medbase start --background >/dev/null
java bench/FilesBench.java "http://localhost:${MEDBASE_PORT:-8080}" \
  "${MEDBASE_CLIENT_ID:-medbase-devstack}" "${MEDBASE_CLIENT_SECRET:-medbase-devstack-secret}" \
  "${MEDBASE_ADMIN_EMAIL:-admin@medbase.local}" "${MEDBASE_ADMIN_PASSWORD:-Medbase-admin-1}" \
  "$(tr -dc '0-9' <"$MEDBASE_DATA_DIR/medbase.pid")" "$SIZE_MIB" "$REPEATS" "$THREADS" "$SECONDS_PER" "$WARMUPS"
echo

echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1), load before start: $LOAD_BEFORE, after run: $(cut -d' ' -f1-3 /proc/loadavg)"
