#!/usr/bin/env bash
# Gateway benchmark (not a test): in one run on this machine, a fast fake upstream (nginx answering a fixed
# OpenAI chat completion), layers-server in front of it with auth + rate limit + reservation + settlement on
# (real PostgreSQL), and nginx as a plain reverse proxy to the same upstream. Reports requests/s, p50/p99 latency
# and the latency each adds over calling the upstream directly, at concurrency 1 and 32, CPU time per request
# (gateway process + PostgreSQL backends, from /proc), and the gateway's CPU per streamed SSE event.
#
# Usage: bench/gateway/run.sh [DURATION_SECONDS=8] [USERS=32]
# LAYERS_BENCH_PORT_BASE (default 18911) moves the four loopback ports it uses.
# LAYERS_SCRATCH_PATH picks the SwiftPM build directory (default .build, shared with scripts/run.sh's release build).
# Uses $DATABASE_URL when set (PostgreSQL CPU is then only counted if the server runs on this machine under
# scripts/pg.sh), else starts a private cluster with scripts/pg.sh under /tmp, whose database it empties first.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v wrk >/dev/null || ! { command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; }; then
    bash scripts/setup.sh   # installs wrk and nginx (and the rest of what the repository needs) when missing
fi

echo "building layers-server (release)..." >&2
scratch=(--scratch-path "${LAYERS_SCRATCH_PATH:-.build}")
swift build -c release "${scratch[@]}" --product layers-server >/dev/null
BIN="$(swift build -c release "${scratch[@]}" --show-bin-path)/layers-server"

if [ -z "${DATABASE_URL:-}" ]; then
    export LAYERS_PGROOT="${LAYERS_BENCH_PGROOT:-/tmp/layers-bench-pg}" LAYERS_PGPORT="${LAYERS_BENCH_PGPORT:-5499}"
    if ! bash scripts/pg.sh status >/dev/null 2>&1; then
        trap 'bash scripts/pg.sh stop >/dev/null 2>&1 || true' EXIT   # stop it again only if we started it
    fi
    eval "$(bash scripts/pg.sh start)"
    # The private database starts empty each run (the gateway migrates it): rows left by earlier runs (millions
    # of usage rows, gigabytes of indexes) would make PostgreSQL's CPU per request depend on how often it has run.
    bash scripts/pg.sh psql -q -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public;" >/dev/null 2>&1
fi
python3 bench/gateway/bench.py --binary "$BIN" --duration "${1:-8}" --users "${2:-32}"
