#!/usr/bin/env bash
# Medbase vs Parse Server, side by side on one machine and one database engine (issue #13), plus the data (#6) and
# user-list (#5) figures. One command: builds Medbase, starts the embedded stack on a fresh data directory (the
# gateway's per-address token rate limit raised, since all load comes from one address), starts Parse Server 9 on
# Node against the same MongoDB-wire server (database "parse"), seeds both, runs the workloads with autocannon
# (bench/node/compare.mjs), stops everything and writes report.md, results.json and SVG charts to
# bench/results/<UTC time>/. With BENCH_JFR=1 every Medbase service also records a JFR profile, summarised by
# bench/JfrTop.java into hotspots.md.
#
# Usage: bench/compare.sh            full run: 100k documents, 10k users, 20 s per run, concurrency 16, mixed 1/16/64
# Settings (environment): BENCH_DOCS [100000] BENCH_USERS [10000] BENCH_SECONDS [20] BENCH_WARMUP [60: the JIT of eight JVMs sharing 2 cores needs it]
#   BENCH_MAX_REQUESTS [200000] BENCH_CONCURRENCY [16] BENCH_MIXED [1,16,64] BENCH_ONLY [all; e.g. query,mixed]
#   BENCH_PORT_BASE [first free of 23000, 24000, …]: gateway +80, services +81..+87, MongoDB +17, Kafka +92, SMTP +25, mail UI +26, Parse +90
#   BENCH_JVM [prod]: the JVM options of every Medbase JVM (bench/jvm.sh: prod = full JIT, parallel GC;
#   devstack = the devstack defaults, C1 only); or set MEDBASE_JVM_OPTS / MEDBASE_DEVSTACK_JVM_OPTS yourself. BENCH_JFR [0]: 1 records JFR profiles.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
# Other stacks may run on this machine: take the first base (from 23000 on, step 1000) whose ports are all free.
ports_free() { for o in 17 25 26 80 81 82 83 84 85 86 87 90 92; do
  (exec 3<>"/dev/tcp/127.0.0.1/$(($1 + o))") 2>/dev/null && return 1; done; return 0; }
B="${BENCH_PORT_BASE:-}"
if [ -z "$B" ]; then
  for B in $(seq 23000 1000 40000); do ports_free "$B" && break; done
fi
export MEDBASE_PORT=$((B + 80)) MEDBASE_AUTH_PORT=$((B + 81)) MEDBASE_USERS_PORT=$((B + 82)) \
  MEDBASE_DATA_PORT=$((B + 83)) MEDBASE_FILES_PORT=$((B + 84)) MEDBASE_TASKS_PORT=$((B + 85)) \
  MEDBASE_EVENTS_PORT=$((B + 86)) MEDBASE_MAIL_PORT=$((B + 87)) MEDBASE_MONGO_PORT=$((B + 17)) \
  MEDBASE_KAFKA_PORT=$((B + 92)) MEDBASE_SMTP_PORT=$((B + 25)) MEDBASE_MAIL_UI_PORT=$((B + 26))
PARSE_PORT=$((B + 90))
export MEDBASE_DATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/medbase-compare-XXXXXX")"
# A busy machine may take minutes to start seven JVMs. No class-data-sharing archives: a fresh data directory would
# only pay for writing them when the services stop.
export MEDBASE_CDS=false
export MEDBASE_START_TIMEOUT="${MEDBASE_START_TIMEOUT:-600}"
export MEDBASE_GATEWAY_TOKENRATELIMIT_PERSECOND=1000000
export MEDBASE_GATEWAY_TOKENRATELIMIT_BURST=1000000
OUT="$ROOT/bench/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"

JFR_DIR="$OUT/jfr"
source bench/jvm.sh
if [ "${BENCH_JFR:-0}" = 1 ]; then
  mkdir -p "$JFR_DIR"
  # A directory as filename: each JVM writes its own <pid>-named recording there when it stops.
  MEDBASE_JVM_OPTS="${MEDBASE_JVM_OPTS:--Xmx128m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dfile.encoding=UTF-8} -XX:StartFlightRecording=settings=profile,dumponexit=true,filename=$JFR_DIR/"
fi

PARSE_PID=""
cleanup() {
  [ -n "$PARSE_PID" ] && kill "$PARSE_PID" 2>/dev/null || true
  ./medbase stop >/dev/null 2>&1 || true
  cp -r "$MEDBASE_DATA_DIR/logs" "$OUT/medbase-logs" 2>/dev/null || true
  rm -rf "$MEDBASE_DATA_DIR"
}
trap cleanup EXIT

echo "== results in $OUT"
echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== npm dependencies (autocannon, parse-server; bench/node/package-lock.json)"
if [ ! -f bench/node/node_modules/.package-lock.json ] || [ bench/node/package-lock.json -nt bench/node/node_modules/.package-lock.json ]; then
  (cd bench/node && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

echo "== building and starting Medbase (gateway :$MEDBASE_PORT, MongoDB-wire :$MEDBASE_MONGO_PORT)"
./medbase start --background >/dev/null

echo "== starting Parse Server (:$PARSE_PORT) on the same MongoDB-wire server"
PARSE_APP_ID=bench PARSE_MASTER_KEY="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
PARSE_LOGS="$OUT/parse-logs" PARSE_SERVER_LOGS_FOLDER="$OUT/parse-logs" node bench/node/parse.mjs "$PARSE_PORT" "mongodb://127.0.0.1:$MEDBASE_MONGO_PORT/parse" "$PARSE_APP_ID" \
  "$PARSE_MASTER_KEY" >"$OUT/parse.log" 2>&1 &
PARSE_PID=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$PARSE_PORT/parse/health" >/dev/null 2>&1 && break
  kill -0 "$PARSE_PID" 2>/dev/null || { cat "$OUT/parse.log"; exit 1; }
  sleep 1
done

PARSE_VERSION="$(node -p "require('./bench/node/node_modules/parse-server/package.json').version")"
AUTOCANNON_VERSION="$(node -p "require('./bench/node/node_modules/autocannon/package.json').version")"
GATEWAY_URL="http://127.0.0.1:$MEDBASE_PORT" PARSE_URL="http://127.0.0.1:$PARSE_PORT/parse" \
MONGO_URL="mongodb://127.0.0.1:$MEDBASE_MONGO_PORT" PARSE_APP_ID="$PARSE_APP_ID" PARSE_MASTER_KEY="$PARSE_MASTER_KEY" \
MEDBASE_PID_FILE="$MEDBASE_DATA_DIR/medbase.pid" PARSE_PID="$PARSE_PID" BENCH_OUT="$OUT" CLK_TCK="$(getconf CLK_TCK)" \
BENCH_VERSIONS="Medbase $(git rev-parse --short HEAD), $(java -version 2>&1 | head -1), parse-server $PARSE_VERSION on Node $(node -v), autocannon $AUTOCANNON_VERSION, mongo-java-server (H2 backend) reporting MongoDB 5.0" \
  node bench/node/compare.mjs

echo "== stopping"
kill "$PARSE_PID" 2>/dev/null || true
PARSE_PID=""
./medbase stop >/dev/null 2>&1 || true
if [ "${BENCH_JFR:-0}" = 1 ] && ls "$JFR_DIR"/*.jfr >/dev/null 2>&1; then
  java bench/JfrTop.java "$JFR_DIR" "$(cat "$OUT/workloads-start.txt")" >"$OUT/hotspots.md" \
    && echo "== JFR hot spots: $OUT/hotspots.md"
fi
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== report: $OUT/report.md"
