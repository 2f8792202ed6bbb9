#!/usr/bin/env bash
# Mail benchmark (issue #10): templated mails accepted/s (POST /mail/v1/ with a v2 template, N threads, through the
# gateway with an admin token), p50/p99 of the accept call, and delivered/s to the devstack's SMTP catcher. Starts the
# embedded stack on a fresh data directory, runs bench/MailBench.java, stops everything.
# Usage: bench/mail.sh [mails] [threads]   (defaults 1500, 8; at most 2000, what the catcher keeps); BENCH_WARMUP=seconds
# of warm-up rounds first (default 40).
# Profiling: MEDBASE_JVM_OPTS="<defaults> -XX:StartFlightRecording=filename=/tmp/mail.jfr" records every service.
set -euo pipefail
cd "$(dirname "$0")/.."
MAILS="${1:-1500}"
THREADS="${2:-8}"
export MEDBASE_DATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/medbase-bench-XXXXXX")"
export MEDBASE_GATEWAY_TOKENRATELIMIT_PERSECOND=1000000
export MEDBASE_GATEWAY_TOKENRATELIMIT_BURST=1000000
trap './medbase stop >/dev/null 2>&1 || true; rm -rf "$MEDBASE_DATA_DIR"' EXIT

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
source bench/jvm.sh
./medbase start --background >/dev/null
LOAD_STARTED="$(cut -d' ' -f1-3 /proc/loadavg)"
java bench/MailBench.java "http://localhost:${MEDBASE_PORT:-8080}" "http://127.0.0.1:${MEDBASE_MAIL_UI_PORT:-8025}" \
  "${MEDBASE_CLIENT_ID:-medbase-devstack}" "${MEDBASE_CLIENT_SECRET:-medbase-devstack-secret}" \
  "${MEDBASE_ADMIN_EMAIL:-admin@medbase.local}" "${MEDBASE_ADMIN_PASSWORD:-Medbase-admin-1}" "$MAILS" "$THREADS" "${BENCH_WARMUP:-40}"
echo
echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1), load before start: $LOAD_BEFORE, after start: $LOAD_STARTED, after run: $(cut -d' ' -f1-3 /proc/loadavg)"
