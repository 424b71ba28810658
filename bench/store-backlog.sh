#!/usr/bin/env bash
# The event store's rate working off a backlog, and genesis-bus's CPU over the same window
# (docs/BENCHMARKS.md, "Genesis bus store"). Needs a broker (KAFKA_BOOTSTRAP_SERVERS) and a
# PostgreSQL server (PG_ADMIN_JDBC, user postgres, trust); genesis-bus must not be running.
# usage: bench/store-backlog.sh QUARKUS_APP_DIR [EVENTS]     e.g. genesis-bus/target/quarkus-app 300000
set -euo pipefail
APP="$(cd "$1" && pwd)"; EVENTS="${2:-300000}"
cd "$(dirname "$0")/.."
: "${KAFKA_BOOTSTRAP_SERVERS:=127.0.0.1:9092}"
: "${SEED_SECRET:=bench-seed-secret-0123456789-abcdefghijklmnop}"
: "${PG_ADMIN_JDBC:=jdbc:postgresql://127.0.0.1:5432/postgres}"
export KAFKA_BOOTSTRAP_SERVERS SEED_SECRET
TOOL=(java -cp "deploy/tools/classes:deploy/tools/lib/*" HxoTool)   # built by ./hxo (any command)
"${TOOL[@]}" pg-ensure-db "$PG_ADMIN_JDBC" postgres hxo_bench_store --fresh
export DATABASE_URL="postgresql://postgres@${PG_ADMIN_JDBC#jdbc:postgresql://}"
DATABASE_URL="${DATABASE_URL%/*}/hxo_bench_store"
OUT="$(mktemp)"; CPU="$(mktemp)"
java -cp bench/target/benchmarks.jar io.hxo.bench.BusBench backlog "$EVENTS" >"$OUT" 2>&1 &
BENCH=$!
until grep -q "^published" "$OUT"; do kill -0 "$BENCH" || { cat "$OUT"; exit 1; }; sleep 1; done
PORT="${PORT:-18489}" HXO_INSTANCE_ID=bench-store java -XX:+UseG1GC -Xmx512m -jar "$APP/quarkus-run.jar" \
  >"${OUT}.bus.log" 2>&1 &
BUS=$!
trap 'kill "$BUS" 2>/dev/null; wait "$BUS" 2>/dev/null || true' EXIT
(while kill -0 "$BUS" 2>/dev/null; do echo "$(date +%s%3N) $(awk '{print $14+$15}' "/proc/$BUS/stat" 2>/dev/null)"; sleep 0.25; done >"$CPU") &
wait "$BENCH"
grep -E "published|backlog:" "$OUT"
read -r FIRST LAST < <(sed -n 's/.*at \([0-9]*\)\.\.\([0-9]*\) ms.*/\1 \2/p' "$OUT")
# /proc/PID/stat counts CPU in clock ticks (100 a second).
awk -v f="$FIRST" -v l="$LAST" -v n="$EVENTS" '$1<=f{a=$2} $1<=l{b=$2}
  END{printf "bus CPU between the first and the last feed record: %.1f s, %.2f ms per 1,000 events\n", (b-a)/100, (b-a)*10/n*1000}' "$CPU"
