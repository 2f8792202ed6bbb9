#!/usr/bin/env bash
# Auth benchmark (issue #4): password logins/s, refresh grants/s through the gateway, and the gateway's added
# latency. Starts the embedded stack on a fresh data directory (the gateway's per-address token rate limit raised,
# since all load comes from one address), runs bench/AuthBench.java, stops everything.
# Usage: bench/auth.sh [seconds-per-workload] [threads] [warm-up seconds per workload]   (defaults 20 s, 8 threads, 30 s)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER="${1:-20}"
THREADS="${2:-8}"
WARMUP="${3:-30}"
export MEDBASE_DATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/medbase-bench-XXXXXX")"
export MEDBASE_GATEWAY_TOKENRATELIMIT_PERSECOND=1000000
export MEDBASE_GATEWAY_TOKENRATELIMIT_BURST=1000000
trap './medbase stop >/dev/null 2>&1 || true; rm -rf "$MEDBASE_DATA_DIR"' EXIT

source bench/jvm.sh
./medbase start --background >/dev/null
# an unrecorded round first, so the figures are of JIT-compiled code, not of the first minute after start-up (an 8 s
# round left the compilers busy in the timed one: see docs/benchmarks.md)
java bench/AuthBench.java "http://localhost:${MEDBASE_PORT:-8080}" "http://localhost:${MEDBASE_AUTH_PORT:-8081}" \
  "${MEDBASE_CLIENT_ID:-medbase-devstack}" "${MEDBASE_CLIENT_SECRET:-medbase-devstack-secret}" \
  "${MEDBASE_ADMIN_EMAIL:-admin@medbase.local}" "${MEDBASE_ADMIN_PASSWORD:-Medbase-admin-1}" "$WARMUP" "$THREADS" >/dev/null
java bench/AuthBench.java "http://localhost:${MEDBASE_PORT:-8080}" "http://localhost:${MEDBASE_AUTH_PORT:-8081}" \
  "${MEDBASE_CLIENT_ID:-medbase-devstack}" "${MEDBASE_CLIENT_SECRET:-medbase-devstack-secret}" \
  "${MEDBASE_ADMIN_EMAIL:-admin@medbase.local}" "${MEDBASE_ADMIN_PASSWORD:-Medbase-admin-1}" "$SECONDS_PER" "$THREADS"
echo
echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1), load before run: $(cut -d' ' -f1-3 /proc/loadavg)"
