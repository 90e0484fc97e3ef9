#!/usr/bin/env bash
# Private PostgreSQL cluster for development and tests.
#
#   scripts/pg.sh start     initdb under .pgdata/ if absent, start the server, print `export DATABASE_URL=...`
#   scripts/pg.sh stop      stop the server (fast shutdown)
#   scripts/pg.sh restart   stop then start
#   scripts/pg.sh crash     stop with -m immediate (like kill -9: no checkpoint, crash recovery on next start;
#                           used by the restart-under-load test on its own cluster)
#   scripts/pg.sh status    exit 0 when running
#   scripts/pg.sh url       print the connection URL
#   scripts/pg.sh env       print the export lines without starting anything
#   scripts/pg.sh psql ...  run psql against the private cluster
#
# The server listens on a unix socket inside .pgdata/ only (no TCP, no system service), so several clones on
# one machine never collide. Everything is idempotent. PostgreSQL refuses to run as root, so when invoked as
# root the server runs as the `postgres` OS user (created by the Debian package).
#
# Environment: LAYERS_PGROOT (default <repo>/.pgdata), LAYERS_PGPORT (default 5432; names the socket file only),
# LAYERS_PGBIN (default /usr/lib/postgresql/15/bin, else from PATH).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="${LAYERS_PGROOT:-$repo/.pgdata}"
data="$root/data"
port="${LAYERS_PGPORT:-5432}"
db="layers"
dbuser="layers"

if [[ -n "${LAYERS_PGBIN:-}" ]]; then bin="$LAYERS_PGBIN"
elif [[ -x /usr/lib/postgresql/15/bin/initdb ]]; then bin=/usr/lib/postgresql/15/bin
else
    initdb_path="$(command -v initdb || true)"
    if [[ -z "$initdb_path" ]]; then
        for d in /usr/lib/postgresql/*/bin; do [[ -x "$d/initdb" ]] && initdb_path="$d/initdb"; done
    fi
    [[ -n "$initdb_path" ]] || { echo "pg.sh: initdb not found (apt-get install postgresql)" >&2; exit 1; }
    bin="$(dirname "$initdb_path")"
fi

# Run a PostgreSQL binary as the unprivileged owner when we are root.
as_owner() {
    if [[ "$(id -u)" == "0" ]]; then
        if command -v runuser >/dev/null 2>&1; then runuser -u postgres -- "$@"
        else su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; fi
    else
        "$@"
    fi
}

url() { echo "postgresql://$dbuser@/$db?host=$root&port=$port"; }

print_env() {
    echo "export DATABASE_URL='$(url)'"
    echo "export LAYERS_PGDATA='$data'"
}

is_running() { [[ -f "$data/PG_VERSION" ]] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

init_cluster() {
    [[ -f "$data/PG_VERSION" ]] && return 0
    mkdir -p "$root"
    if [[ "$(id -u)" == "0" ]]; then
        # The postgres user must be able to reach the folder; the data dir itself stays 0700.
        chown postgres: "$root"
        chmod 0755 "$root"
        local d; d="$root"
        while [[ "$d" != "/" ]]; do d="$(dirname "$d")"; chmod o+x "$d" 2>/dev/null || true; done
    fi
    as_owner "$bin/initdb" -D "$data" -U "$dbuser" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$root/initdb.log" 2>&1 ||
        as_owner "$bin/initdb" -D "$data" -U "$dbuser" --auth=trust --encoding=UTF8 --no-locale >"$root/initdb.log" 2>&1 || {
            cat "$root/initdb.log" >&2; exit 1; }
    cat >>"$data/postgresql.conf" <<EOF

# --- Layers private cluster (scripts/pg.sh) ---
listen_addresses = ''
unix_socket_directories = '$root'
port = $port
max_connections = 200
shared_buffers = 256MB
fsync = on
synchronous_commit = on
log_min_messages = warning
logging_collector = off
EOF
}

start() {
    init_cluster
    if ! is_running; then
        as_owner "$bin/pg_ctl" -D "$data" -l "$root/server.log" -w -t 60 start >/dev/null || {
            tail -n 30 "$root/server.log" >&2; exit 1; }
    fi
    # Create the database once.
    if ! "$bin/psql" "postgresql://$dbuser@/postgres?host=$root&port=$port" -Atqc \
            "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
        "$bin/createdb" -h "$root" -p "$port" -U "$dbuser" "$db"
    fi
    print_env
}

stop() {
    if is_running; then
        as_owner "$bin/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null
    fi
}

crash() {
    if is_running; then
        as_owner "$bin/pg_ctl" -D "$data" -m immediate -w -t 60 stop >/dev/null
    fi
}

cmd="${1:-start}"
case "$cmd" in
    start) start ;;
    stop) stop ;;
    restart) stop; start >/dev/null; print_env ;;
    crash) crash ;;
    status) is_running ;;
    url) url ;;
    env) print_env ;;
    psql) shift; exec "$bin/psql" "$(url)" "$@" ;;
    *) echo "usage: $0 start|stop|restart|crash|status|url|env|psql" >&2; exit 2 ;;
esac
