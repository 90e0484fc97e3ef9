#!/usr/bin/env bash
# HTTP server benchmark (not a test): layers-http-demo vs nginx serving the same fixed 1 KB JSON, on this machine,
# in one run. Prints requests/s, p50/p99 latency and server CPU time per request (user+sys from /proc, steady
# on a noisy machine where throughput is not), then 10k idle keep-alive connections' RSS and the server CPU per
# streamed SSE event.
# Usage: bench/http/run.sh [DURATION_SECONDS=10] [CONNECTIONS=64]   (ROUNDS=5 alternating rounds by default)
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION="${1:-10}"
CONNS="${2:-64}"
THREADS=2
OURS_PORT=18901
NGINX_PORT=18902
WORK="$(mktemp -d /tmp/layers-http-bench.XXXXXX)"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
    if [ -f "$WORK/nginx.pid" ]; then kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true; fi
    sleep 0.3
    rm -rf "$WORK"
}
trap cleanup EXIT

# wrk and nginx come from Debian; scripts/setup.sh installs them (and whatever else is missing) on a fresh clone.
find_nginx() { command -v nginx 2>/dev/null || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true; }
if ! command -v wrk >/dev/null 2>&1 || [ -z "$(find_nginx)" ]; then
    echo "wrk or nginx missing: running scripts/setup.sh"
    bash scripts/setup.sh
fi
command -v wrk >/dev/null || { echo "wrk is not installed (scripts/setup.sh did not install it)"; exit 1; }
NGINX_BIN="$(find_nginx)"
[ -n "$NGINX_BIN" ] || { echo "nginx is not installed (scripts/setup.sh did not install it)"; exit 1; }

# 10,000 idle connections need more descriptors than the usual soft limit of 1024 (the server inherits this).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -gt 10100 ] || echo "warning: ulimit -n is $(ulimit -n); the 10k idle test needs > 10100"

echo "building layers-http-demo (release)..."
swift build -c release --scratch-path .build-http --product layers-http-demo >/dev/null
DEMO="$(swift build -c release --scratch-path .build-http --show-bin-path)/layers-http-demo"

# The exact 1 KB body the demo serves, for nginx.
BODY="$(python3 - <<'PY'
head = '{"object":"list","data":[{"id":"layers-demo","object":"model","owned_by":"layers"}],"padding":"'
tail = '"}'
print(head + "x" * (1024 - len(head) - len(tail)) + tail, end="")
PY
)"
[ "${#BODY}" -eq 1024 ] || { echo "body is not 1 KB"; exit 1; }

mkdir -p "$WORK/nginx/logs"
cat > "$WORK/nginx.conf" <<CONF
worker_processes $(nproc);
pid $WORK/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 20000; use epoll; multi_accept on; }
worker_rlimit_nofile 20000;
http {
    access_log off;
    keepalive_requests 1000000;
    keepalive_timeout 75s;
    tcp_nodelay on;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    server {
        listen 127.0.0.1:$NGINX_PORT reuseport;
        location /json { default_type application/json; return 200 '$BODY'; }
        # For the SSE comparison: nginx proxying our paced stream, unbuffered (what it pays per relayed event).
        location /stream {
            proxy_pass http://127.0.0.1:$OURS_PORT;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_buffering off;
        }
    }
}
CONF

"$DEMO" --port "$OURS_PORT" --host 127.0.0.1 --max-connections 20000 >"$WORK/demo.out" 2>"$WORK/demo.err" &
OURS_PID=$!
PIDS+=("$OURS_PID")
"$NGINX_BIN" -c "$WORK/nginx.conf" -p "$WORK/nginx" 2>"$WORK/nginx.start.err"
for _ in $(seq 50); do
    grep -q listening "$WORK/demo.out" 2>/dev/null && [ -f "$WORK/nginx.pid" ] && break
    sleep 0.1
done
NGINX_MASTER="$(cat "$WORK/nginx.pid")"

# CPU ticks (user+sys) of a process and all its threads; for nginx, master plus workers.
cpu_ticks() {
    local total=0 pid
    for pid in "$@"; do
        [ -r "/proc/$pid/stat" ] || continue
        total=$(( total + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat") ))
    done
    echo "$total"
}
nginx_pids() { echo "$NGINX_MASTER $(pgrep -P "$NGINX_MASTER" | tr '\n' ' ')"; }
HZ="$(getconf CLK_TCK)"

# run_wrk NAME URL PIDS... -> one measurement line, also appended to $WORK/runs.NAME
run_wrk() {
    local name="$1" url="$2"; shift 2
    local before after out requests rps p50 p99 cpu_us
    before="$(cpu_ticks "$@")"
    out="$(wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency "$url")"
    after="$(cpu_ticks "$@")"
    requests="$(echo "$out" | awk '/requests in/ { print $1 }')"
    rps="$(echo "$out" | awk '/Requests\/sec/ { print $2 }')"
    p50="$(echo "$out" | awk '$1 == "50%" { print $2 }')"
    p99="$(echo "$out" | awk '$1 == "99%" { print $2 }')"
    cpu_us="$(python3 -c "print(f'{($after - $before) / $HZ / $requests * 1e6:.2f}')")"
    printf '  %-7s %10s req/s   p50 %-9s p99 %-9s  server CPU %6s us/request  (%s requests, %s CPU ticks)\n' \
        "$name" "$rps" "$p50" "$p99" "$cpu_us" "$requests" "$((after - before))"
    echo "$cpu_us $rps" >>"$WORK/runs.$name"
}

ROUNDS="${ROUNDS:-5}"
echo
echo "== 1 KB JSON, wrk -t$THREADS -c$CONNS -d${DURATION}s, $(nproc) cores, server and wrk on the same machine =="
echo "   ($ROUNDS alternating rounds after a warm-up; the median round counts)"
wrk -t"$THREADS" -c"$CONNS" -d2s "http://127.0.0.1:$OURS_PORT/json" >/dev/null 2>&1 || true
wrk -t"$THREADS" -c"$CONNS" -d2s "http://127.0.0.1:$NGINX_PORT/json" >/dev/null 2>&1 || true
for round in $(seq "$ROUNDS"); do
    echo " round $round"
    run_wrk layers "http://127.0.0.1:$OURS_PORT/json" "$OURS_PID"
    # shellcheck disable=SC2046
    run_wrk nginx "http://127.0.0.1:$NGINX_PORT/json" $(nginx_pids)
done
python3 - "$WORK" <<'PY'
import statistics, sys
work = sys.argv[1]
def load(name):
    rows = [tuple(map(float, line.split())) for line in open(f"{work}/runs.{name}")]
    return statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows)
ours, theirs = load("layers"), load("nginx")
print(f"median: layers {ours[0]:.2f} us/request at {ours[1]:.0f} req/s; nginx {theirs[0]:.2f} us/request at {theirs[1]:.0f} req/s")
print(f"CPU per request, layers / nginx = {ours[0] / theirs[0]:.2f}x (ratio of the medians; target <= 1.2x)")
# Each round measures both servers back to back, under about the same background load: the per-round ratio
# is the steadier statistic on a shared machine.
pairs = [float(a.split()[0]) / float(b.split()[0])
         for a, b in zip(open(f"{work}/runs.layers"), open(f"{work}/runs.nginx"))]
print("per-round ratios: " + " ".join(f"{r:.2f}" for r in pairs)
      + f"; median {statistics.median(pairs):.2f}x (target <= 1.2x)")
PY

echo
echo "== 10,000 idle keep-alive connections =="
rss_kb() { awk '/VmRSS/ { print $2 }' "/proc/$1/status"; }
idle_test() {
    local name="$1" port="$2"; shift 2
    local before
    before="$(rss_kb "$1")"
    python3 bench/http/idle_connections.py 127.0.0.1 "$port" 10000 "$WORK/idle.$name.ready" &
    local holder=$!
    for _ in $(seq 600); do [ -f "$WORK/idle.$name.ready" ] && break; sleep 0.1; done
    local total=0 pid
    for pid in "$@"; do total=$((total + $(rss_kb "$pid"))); done
    echo "$name: $(cat "$WORK/idle.$name.ready" 2>/dev/null || echo 'not ready') ; RSS with them open: $((total / 1024)) MB (main process before: $((before / 1024)) MB)"
    kill "$holder" 2>/dev/null || true
    wait "$holder" 2>/dev/null || true
}
idle_test layers "$OURS_PORT" "$OURS_PID"
# shellcheck disable=SC2046
idle_test nginx "$NGINX_PORT" $(nginx_pids)
sleep 1

echo
echo "== streaming: server CPU per SSE event =="
# CPU ticks of the server's event-loop threads only (named http-loop-N).
loop_ticks() {
    local total=0 task
    for task in /proc/"$OURS_PID"/task/*; do
        grep -q '^http-loop' "$task/comm" 2>/dev/null || continue
        total=$(( total + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "$task/stat") ))
    done
    echo "$total"
}
# stream_cpu QUERY TICKS_FUNCTION [PORT] -> microseconds of CPU per response
stream_cpu() {
    local query="$1" ticks="$2" port="${3:-$OURS_PORT}" before after out requests
    before="$($ticks)"
    out="$(wrk -t1 -c4 -d"${DURATION}s" "http://127.0.0.1:$port/stream?$query")"
    after="$($ticks)"
    requests="$(echo "$out" | awk '/requests in/ { print $1 }')"
    python3 -c "print(($after - $before) / $HZ / $requests * 1e6)"
}
whole_process() { cpu_ticks "$OURS_PID"; }
# Burst: the producer writes 1,000 events without waiting; the loop frames them and coalesces the writes.
base="$(stream_cpu n=0 whole_process)"
full="$(stream_cpu n=1000 whole_process)"
python3 -c "print(f'burst (whole process): 0 events {$base:.1f} us/response; 1000 events {$full:.1f} us/response; per event {($full - $base) / 1000:.3f} us (target < 5 us)')"
# Paced: before each event the producer waits for a wake-up from another thread (like an upstream reader),
# so every event costs the loop a wake-up, a resumed job and its own send(). Event-loop threads only: the
# pacing thread stands in for the upstream connection, which is not the HTTP server's cost.
base="$(stream_cpu 'n=0&paced=1' loop_ticks)"
full="$(stream_cpu 'n=1000&paced=1' loop_ticks)"
python3 -c "print(f'paced (event-loop threads): 0 events {$base:.1f} us/response; 1000 events {$full:.1f} us/response; per event {($full - $base) / 1000:.3f} us (target < 5 us)')"
# For scale: nginx relaying the same paced stream (proxy_buffering off) pays per event for a wake-up, a read
# from upstream and a write to the client. nginx master and workers only.
nginx_ticks() { cpu_ticks $(nginx_pids); }
base="$(stream_cpu 'n=0&paced=1' nginx_ticks "$NGINX_PORT")"
full="$(stream_cpu 'n=1000&paced=1' nginx_ticks "$NGINX_PORT")"
python3 -c "print(f'nginx relaying it (nginx processes): 0 events {$base:.1f} us/response; 1000 events {$full:.1f} us/response; per event {($full - $base) / 1000:.3f} us')"
