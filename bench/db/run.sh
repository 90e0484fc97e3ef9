#!/usr/bin/env bash
# PostgreSQL benchmark (not a test): the credit ledger's hot path and the usage table at scale.
#  1. reserve+settle throughput (settlements/s) and latency percentiles, one transaction per settlement
#     ("single"), group-committed (GroupCommitLedger, "group") and in memory against credit leases written in
#     bulk (LeasedCreditLedger, "lease", the server's default); over 1,000 users and on one hot user;
#  2. usage inserts (recordUsage: settle_credits without a charge), rows/s, single and group;
#  3. 30-day usage aggregates (per key, per user, all users by model) over LAYERS_BENCH_USAGE_ROWS (10 million)
#     usage rows seeded with generate_series (bench/db/seed.sql), plus the per-key query's EXPLAIN ANALYZE.
# Everything runs in databases of its own next to DATABASE_URL's: layers_bench_tx (recreated each run) and
# layers_bench_usage (seeded once, reused while it holds the requested row count; another row count uses
# layers_bench_usage_<rows>). The test database is not
# touched. When DATABASE_URL is unset, the private cluster of scripts/pg.sh is used (and stopped again if this
# script started it).
#
# Usage: bench/db/run.sh            (LAYERS_BENCH_SETTLEMENTS=20000 LAYERS_BENCH_CONCURRENCY=64
#                                    LAYERS_BENCH_USAGE_ROWS=10000000 LAYERS_SCRATCH_PATH=.build-db)
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$(pwd)"
COUNT="${LAYERS_BENCH_SETTLEMENTS:-20000}"
CONC="${LAYERS_BENCH_CONCURRENCY:-64}"
ROWS="${LAYERS_BENCH_USAGE_ROWS:-10000000}"
POOL="${LAYERS_BENCH_POOL:-16}"
scratch=(--scratch-path "${LAYERS_SCRATCH_PATH:-.build-db}")

if [ -z "${DATABASE_URL:-}" ]; then
    if ! bash scripts/pg.sh status; then
        trap 'bash "$root/scripts/pg.sh" stop >/dev/null 2>&1 || true' EXIT
    fi
    eval "$(bash scripts/pg.sh start)"
fi

PSQL="$(command -v psql || true)"
if [ -z "$PSQL" ]; then
    for d in /usr/lib/postgresql/*/bin; do [ -x "$d/psql" ] && PSQL="$d/psql"; done
fi
[ -n "$PSQL" ] || { echo "psql not found (apt-get install postgresql-client)" >&2; exit 1; }

# DATABASE_URL with another database name (URL or key=value form).
db_url() {
    case "$DATABASE_URL" in
        postgres://*|postgresql://*)
            echo "$DATABASE_URL" | sed -E "s#^(postgres(ql)?://[^/?]*)(/[^?]*)?#\\1/$1#" ;;
        *) echo "$DATABASE_URL dbname=$1" ;;
    esac
}
TX_URL="$(db_url layers_bench_tx)"
# Another row count gets a database of its own, so a small trial run never drops the 10-million-row one.
USAGE_DB=layers_bench_usage
[ "$ROWS" = 10000000 ] || USAGE_DB="layers_bench_usage_$ROWS"
USAGE_URL="$(db_url "$USAGE_DB")"
q() { "$PSQL" "$1" -v ON_ERROR_STOP=1 -Atqc "$2"; }

echo "building layers-bench-db (release)..." >&2
swift build -c release "${scratch[@]}" --product layers-bench-db >/dev/null
BIN="$(swift build -c release "${scratch[@]}" --show-bin-path)/layers-bench-db"

echo "machine: $(nproc) cores, load $(cut -d" " -f1-3 /proc/loadavg), $(uname -sr); $(q "$DATABASE_URL" 'SHOW server_version') ($(q "$DATABASE_URL" 'SHOW synchronous_commit') synchronous_commit, fsync $(q "$DATABASE_URL" 'SHOW fsync'))"
echo "command: bench/db/run.sh (settlements $COUNT, concurrency $CONC, pool $POOL, usage rows $ROWS)"

q "$DATABASE_URL" "DROP DATABASE IF EXISTS layers_bench_tx WITH (FORCE)"
q "$DATABASE_URL" "CREATE DATABASE layers_bench_tx"
"$BIN" migrate --url "$TX_URL" >/dev/null

echo
echo "== reserve + settle, 1,000 users"
for mode in single group lease; do
    echo " [$mode]"
    "$BIN" settle --url "$TX_URL" --mode "$mode" --users 1000 --count "$COUNT" --concurrency "$CONC" --pool "$POOL"
    if [ "$mode" = single ]; then
        echo "  (in both modes PostgreSQL also flushes the WAL of concurrent commits together; commit_delay=$(q "$DATABASE_URL" 'SHOW commit_delay'))"
    fi
done
echo "== reserve + settle, one hot user (every settlement locks the same balance row)"
for mode in single group lease; do
    echo " [$mode]"
    "$BIN" settle --url "$TX_URL" --mode "$mode" --users 1 --count "$((COUNT / 4))" --concurrency "$CONC" --pool "$POOL"
done
echo "== usage inserts"
for mode in single group lease; do
    "$BIN" usage --url "$TX_URL" --mode "$mode" --count "$COUNT" --concurrency "$CONC" --pool "$POOL"
done

echo
echo "== 30-day aggregates over $ROWS usage rows"
seeded=0
if [ "$(q "$DATABASE_URL" "SELECT count(*) FROM pg_database WHERE datname = '$USAGE_DB'")" = "1" ]; then
    have="$(q "$USAGE_URL" "SELECT CASE WHEN to_regclass('bench_meta') IS NULL THEN '' ELSE (SELECT max(seeded_rows)::text FROM bench_meta) END" || true)"
    valid="$(q "$USAGE_URL" "SELECT count(*) FILTER (WHERE indisvalid) FROM pg_index WHERE indrelid = 'usage_logs'::regclass" || true)"
    if [ "$have" = "$ROWS" ] && [ "$valid" = "4" ]; then seeded=1; fi
fi
if [ "$seeded" = "1" ]; then
    echo "  reusing $USAGE_DB ($ROWS rows seeded $(q "$USAGE_URL" "SELECT seeded_at FROM bench_meta"))"
else
    echo "  seeding $USAGE_DB with $ROWS rows (generate_series; minutes)..."
    q "$DATABASE_URL" "DROP DATABASE IF EXISTS $USAGE_DB WITH (FORCE)"
    q "$DATABASE_URL" "CREATE DATABASE $USAGE_DB"
    "$BIN" migrate --url "$USAGE_URL" >/dev/null
    start=$(date +%s)
    "$PSQL" "$USAGE_URL" -q -v rows="$ROWS" -f bench/db/seed.sql >/dev/null
    echo "  seeded in $(( $(date +%s) - start )) s (bulk load without indexes, then index build and VACUUM ANALYZE)"
fi
echo "  size: $(q "$USAGE_URL" "SELECT pg_size_pretty(pg_database_size(current_database()))")"
"$BIN" aggregate --url "$USAGE_URL" --iterations 50 --pool 2
echo
echo "== EXPLAIN ANALYZE: one key's 30-day totals"
seeded_at="$(q "$USAGE_URL" "SELECT seeded_at FROM bench_meta")"
q "$USAGE_URL" "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
    SELECT count(*), sum(prompt_tokens), sum(completion_tokens), sum(credits), sum(credits_charged)
    FROM usage_logs WHERE api_key_id = md5('bench-key-97')::uuid
      AND created_at >= timestamptz '$seeded_at' - interval '30 days' AND created_at < timestamptz '$seeded_at'" | sed 's/^/  /'
