#!/usr/bin/env bash
# Start-up benchmark of the embedded default: the time from `./medbase start` (already built) until all seven health
# endpoints answer through the gateway, and the resident memory of the whole stack (devstack JVM + every service).
# Runs a cold start (fresh data directory: no data, no class-data-sharing archives) and then warm starts on the same
# directory. Usage: bench/startup.sh [warm-runs]   (default 2). Loopback only; stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-2}"
PORT="${MEDBASE_PORT:-8080}"
export MEDBASE_DATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/medbase-bench-XXXXXX")"
export MEDBASE_SKIP_BUILD=1
trap './medbase stop >/dev/null 2>&1 || true; rm -rf "$MEDBASE_DATA_DIR"' EXIT

./mvnw -q -B -Dmaven.test.skip=true package

rss_of_tree() { # total RSS in MiB of a pid and all its descendants
  local pids=("$1") all=() p
  while [ ${#pids[@]} -gt 0 ]; do
    all+=("${pids[@]}")
    mapfile -t pids < <(for p in "${pids[@]}"; do pgrep -P "$p" || true; done)
  done
  ps -o rss= -p "$(IFS=,; echo "${all[*]}")" | awk '{s+=$1} END {printf "%.0f", s/1024}'
}

all_healthy() {
  for prefix in auth/v2 users/v1 data/v1 files/v1 tasks/v1 events/v1 mail/v1; do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://localhost:$PORT/$prefix/health")" = 200 ] || return 1
  done
}

measure() { # $1 = label
  local start end pid
  start=$(date +%s.%N)
  ./medbase start --background >/dev/null
  until all_healthy; do sleep 0.2; done
  end=$(date +%s.%N)
  sleep 5 # let start-up work (Kafka consumers joining, relays) settle before reading memory
  pid="$(tr -dc '0-9' < "$MEDBASE_DATA_DIR/medbase.pid")"
  printf '| %s | %.1f s | %s MiB |\n' "$1" "$(awk -v a="$start" -v b="$end" 'BEGIN {print b - a}')" "$(rss_of_tree "$pid")"
  ./medbase stop >/dev/null
}

echo "| start | until 7 health endpoints answer through the gateway | resident memory, whole stack |"
echo "| --- | --- | --- |"
measure "cold (empty data directory)"
for i in $(seq 1 "$RUNS"); do measure "warm #$i (data and CDS archives kept)"; done
echo
echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1), $(uname -sr)"
