#!/usr/bin/env python3
"""Driver for bench/gateway/run.sh: starts the upstream and proxy nginx and the gateway, runs wrk, reads /proc."""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

# LAYERS_BENCH_PORT_BASE moves the four ports (upstream, proxy, gateway, second gateway), so that two benchmark runs
# on one machine do not answer each other's requests.
_BASE = int(os.environ.get("LAYERS_BENCH_PORT_BASE", "18911"))
UPSTREAM_PORT, PROXY_PORT, GATEWAY_PORT = _BASE, _BASE + 1, _BASE + 2
HZ = os.sysconf("SC_CLK_TCK")

COMPLETION = json.dumps({
    "id": "chatcmpl-bench", "object": "chat.completion", "created": 1700000000, "model": "gpt-4o",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello from the benchmark upstream."},
                 "logprobs": None, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 20, "completion_tokens": 8, "total_tokens": 28,
              "prompt_tokens_details": {"cached_tokens": 0}, "completion_tokens_details": {"reasoning_tokens": 0}},
}, separators=(",", ":"))


def sse(events):
    out = []
    for i in range(events):
        out.append("data: " + json.dumps({
            "id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 1700000000, "model": "m",
            "choices": [{"index": 0, "delta": {"content": "tok%d " % i}, "finish_reason": None}]},
            separators=(",", ":")) + "\n\n")
    out.append("data: " + json.dumps({
        "id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 1700000000, "model": "m",
        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}, separators=(",", ":")) + "\n\n")
    out.append("data: " + json.dumps({
        "id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 1700000000, "model": "m",
        "choices": [], "usage": {"prompt_tokens": 20, "completion_tokens": events, "total_tokens": 20 + events}},
        separators=(",", ":")) + "\n\n")
    out.append("data: [DONE]\n\n")
    return "".join(out)


def nginx_conf(work, listen, body):
    return f"""
worker_processes 1;
pid {work}/nginx-{listen}.pid;
error_log {work}/nginx-{listen}.err warn;
events {{ worker_connections 4096; use epoll; }}
http {{
    access_log off;
    keepalive_requests 10000000;
    keepalive_timeout 75s;
    tcp_nodelay on;
    client_body_temp_path {work}/body-{listen};
    proxy_temp_path {work}/proxy-{listen};
    fastcgi_temp_path {work}/fcgi-{listen};
    uwsgi_temp_path {work}/uwsgi-{listen};
    scgi_temp_path {work}/scgi-{listen};
    upstream fake {{ server 127.0.0.1:{UPSTREAM_PORT}; keepalive 64; }}
    server {{
        listen 127.0.0.1:{listen} reuseport;
        {body}
    }}
}}
"""


def start_nginx(work, listen, body):
    path = os.path.join(work, "nginx-%d.conf" % listen)
    with open(path, "w") as f:
        f.write(nginx_conf(work, listen, body))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    subprocess.run([nginx, "-c", path, "-p", work, "-g", "daemon on;"], check=True)
    return os.path.join(work, "nginx-%d.pid" % listen)


def stop_nginx(pidfile):
    try:
        os.kill(int(open(pidfile).read()), 15)
    except (OSError, ValueError):
        pass


def proc_cpu_seconds(pids):
    total = 0
    for pid in pids:
        try:
            fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime (whole process, all threads)
        except (OSError, IndexError):
            pass
    return total / HZ


def children(ppid):
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                fields = open("/proc/%s/stat" % d).read().rsplit(")", 1)[1].split()
                if int(fields[1]) == ppid:
                    out.append(int(d))
            except (OSError, IndexError):
                pass
    return out


def postgres_pids():
    data = os.environ.get("LAYERS_PGDATA") or os.path.join(os.environ.get("LAYERS_PGROOT", ""), "data")
    try:
        master = int(open(os.path.join(data, "postmaster.pid")).readline())
    except (OSError, ValueError):
        return []
    return [master] + children(master)


def nginx_pids(pidfile):
    master = int(open(pidfile).read())
    return [master] + children(master)


def wrk(url, conns, duration, lua, threads=None):
    threads = threads or min(conns, 2)
    out = subprocess.run(["wrk", "-t%d" % threads, "-c%d" % conns, "-d%ds" % duration, "--latency", "-s", lua, url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

    def lat(p):
        m = re.search(r"\s%s%%\s+([\d.]+)(us|ms|s)\b" % p, out)
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else (v if unit == "ms" else v * 1000)
    return {"rps": rps, "p50": lat(50), "p99": lat(99), "requests": total,
            "errors": int(non2xx.group(1)) if non2xx else 0, "raw": out}


def lua_script(work, name, body, keys):
    """POSTs `body`, rotating through `keys` (one user each) request by request."""
    path = os.path.join(work, name + ".lua")
    with open(path, "w") as f:
        f.write("local body = %s\n" % json.dumps(body))
        f.write("local keys = {%s}\n" % ", ".join(json.dumps(k) for k in keys))
        f.write("local n = 0\n")
        f.write("request = function()\n"
                "  n = n + 1\n"
                "  local k = keys[(n % #keys) + 1]\n"
                "  return wrk.format(\"POST\", nil, {[\"Content-Type\"] = \"application/json\", "
                "[\"Authorization\"] = \"Bearer \" .. k}, body)\n"
                "end\n")
    return path


def http_json(url, body=None, token=None):
    req = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None,
                                 headers={"content-type": "application/json",
                                          **({"authorization": "Bearer " + token} if token else {})})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--duration", type=int, default=8)
    ap.add_argument("--users", type=int, default=32)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="layers-gw-bench-")
    os.chmod(work, 0o755)  # nginx workers (an unprivileged user) read the SSE files from here
    for events in (10, 1000):
        with open(os.path.join(work, "sse%d.txt" % events), "w") as f:
            f.write(sse(events))
    # Static files answer POST through the error_page trick (nginx refuses POST to static files with 405).
    upstream_body = f"""
        location = /v1/chat/completions {{ default_type application/json; return 200 '{COMPLETION}'; }}
        location = /sse10/v1/chat/completions {{ default_type text/event-stream; alias {work}/sse10.txt;
                                                 error_page 405 =200 $uri; }}
        location = /sse1000/v1/chat/completions {{ default_type text/event-stream; alias {work}/sse1000.txt;
                                                   error_page 405 =200 $uri; }}
    """
    proxy_body = """location / { proxy_pass http://fake; proxy_http_version 1.1; proxy_set_header Connection ""; }"""
    pidfiles = [start_nginx(work, UPSTREAM_PORT, upstream_body), start_nginx(work, PROXY_PORT, proxy_body)]
    tiers = os.path.join(work, "tiers.json")
    with open(tiers, "w") as f:
        json.dump({"tiers": [{"name": "bench", "requests_per_minute": 100000000, "monthly_credits": "0"}]}, f)
    admin = "bench-admin-token-0123456789"
    env = dict(os.environ, LAYERS_HOST="127.0.0.1", LAYERS_PORT=str(GATEWAY_PORT), LAYERS_ACCESS_LOG="false",
               LAYERS_ADMIN_TOKEN=admin, LAYERS_TIERS_FILE=tiers,
               OPENAI_API_KEY="sk-bench-0000000000", OPENAI_BASE_URL="http://127.0.0.1:%d/v1" % UPSTREAM_PORT,
               MORPH_API_KEY="bench-morph-key", MORPH_BASE_URL="http://127.0.0.1:%d/sse10/v1" % UPSTREAM_PORT,
               AI_GATEWAY_API_KEY="", ANTHROPIC_API_KEY="", GEMINI_API_KEY="")
    gateway = subprocess.Popen([args.binary, "serve"], env=env, stderr=subprocess.DEVNULL)
    # A second gateway process for the 1,000-event stream (same database, different upstream path).
    env_large = dict(env, LAYERS_PORT=str(GATEWAY_PORT + 1),
                     MORPH_BASE_URL="http://127.0.0.1:%d/sse1000/v1" % UPSTREAM_PORT)
    gateway_large = subprocess.Popen([args.binary, "serve"], env=env_large, stderr=subprocess.DEVNULL)
    try:
        base = "http://127.0.0.1:%d" % GATEWAY_PORT
        for _ in range(200):
            try:
                http_json(base + "/health")
                http_json("http://127.0.0.1:%d/health" % (GATEWAY_PORT + 1))
                break
            except OSError:
                time.sleep(0.05)
        # Many users (as in production): each has its own balance row, so requests do not queue on one row lock.
        keys = []
        for i in range(args.users):
            user = http_json(base + "/admin/users", {"email": "bench-%d-%d@example.com" % (time.time_ns(), i),
                                                     "tier": "bench", "credits": "10000000",
                                                     "key": {"name": "bench", "mode": "live"}}, token=admin)
            keys.append(user["api_key"]["key"])
        key = keys[0]
        chat = {"model": "openai/gpt-4o", "messages": [{"role": "user", "content": "Say hello"}], "max_tokens": 16}
        lua = lua_script(work, "chat", json.dumps(chat), keys)
        check = http_json(base + "/v1/chat/completions", chat, token=key)
        assert check["layers"]["credits_charged"] > 0, check

        targets = [("direct (fake upstream)", "http://127.0.0.1:%d/v1/chat/completions" % UPSTREAM_PORT, None),
                   ("nginx reverse proxy", "http://127.0.0.1:%d/v1/chat/completions" % PROXY_PORT,
                    lambda: nginx_pids(pidfiles[1])),
                   ("layers gateway", base + "/v1/chat/completions", lambda: [gateway.pid])]
        results = {}
        probe = wrk(base + "/v1/chat/completions", 1, 1, lua)
        if probe["errors"]:
            sys.exit("the gateway answered errors to the benchmark requests:\n" + probe["raw"])
        for conns in (1, 32):
            for name, url, pids in targets:
                wrk(url, conns, 2, lua)  # warm-up
                own = pids() if pids else []
                pg = postgres_pids() if name == "layers gateway" else []
                c0, p0 = proc_cpu_seconds(own), proc_cpu_seconds(pg)
                r = wrk(url, conns, args.duration, lua)
                c1, p1 = proc_cpu_seconds(own), proc_cpu_seconds(pg)
                r["cpu_us"] = (c1 - c0) / r["requests"] * 1e6 if own else None
                r["pg_cpu_us"] = (p1 - p0) / r["requests"] * 1e6 if pg else None
                results[(name, conns)] = r

        # Streaming: gateway CPU per request for a 10-event and a 1,000-event stream; the difference per event.
        stream_body = json.dumps({"model": "morph/morph-v3-fast", "stream": True, "max_tokens": 16,
                                  "messages": [{"role": "user", "content": "stream"}]})
        stream_lua = lua_script(work, "stream", stream_body, keys)
        per_stream = {}
        for events, port, proc in ((10, GATEWAY_PORT, gateway), (1000, GATEWAY_PORT + 1, gateway_large)):
            url = "http://127.0.0.1:%d/v1/chat/completions" % port
            wrk(url, 4, 2, stream_lua)
            sample = urllib.request.urlopen(urllib.request.Request(
                url, data=stream_body.encode(), headers={"authorization": "Bearer " + key,
                                                         "content-type": "application/json"}), timeout=10).read()
            got = sample.count(b"data: ")
            assert got >= events + 2, "expected a %d-event stream, got %d data lines: %r" % (events, got, sample[:300])
            c0 = proc_cpu_seconds([proc.pid])
            r = wrk(url, 4, args.duration, stream_lua)
            assert r["errors"] == 0, r["raw"]
            c1 = proc_cpu_seconds([proc.pid])
            per_stream[events] = ((c1 - c0) / r["requests"] * 1e6, r)
        per_event = (per_stream[1000][0] - per_stream[10][0]) / 990

        balance = http_json(base + "/api/balance", token=key)
        print()
        print("Layers gateway benchmark (%ds per run, wrk, loopback, %d cores, %d users)" % (
            args.duration, os.cpu_count(), args.users))
        print("%-24s %5s %10s %9s %9s %11s %11s %9s %10s %6s" % (
            "target", "conns", "req/s", "p50 ms", "p99 ms", "+p50 ms", "+p99 ms", "CPU us", "PG CPU us", "non2xx"))
        for conns in (1, 32):
            d = results[("direct (fake upstream)", conns)]
            for name, _, _ in targets:
                r = results[(name, conns)]
                add50 = "" if name.startswith("direct") else "%.3f" % (r["p50"] - d["p50"])
                add99 = "" if name.startswith("direct") else "%.3f" % (r["p99"] - d["p99"])
                print("%-24s %5d %10.0f %9.3f %9.3f %11s %11s %9s %10s %6d" % (
                    name, conns, r["rps"], r["p50"], r["p99"], add50, add99,
                    "" if r["cpu_us"] is None else "%.1f" % r["cpu_us"],
                    "" if r["pg_cpu_us"] is None else "%.1f" % r["pg_cpu_us"], r["errors"]))
        g1, g32 = results[("layers gateway", 1)], results[("layers gateway", 32)]
        print()
        print("gateway total CPU per request (process + PostgreSQL) at 32 conns: %.1f us" % (
            g32["cpu_us"] + (g32["pg_cpu_us"] or 0)))
        print("streaming: gateway CPU %.1f us per 10-event stream, %.1f us per 1000-event stream -> %.2f us per event"
              % (per_stream[10][0], per_stream[1000][0], per_event))
        print("requests settled: balance now %s credits (reserved %s)" % (balance["credits"], balance["reserved"]))
        added_c1 = g1["p50"] - results[("direct (fake upstream)", 1)]["p50"]
        total_cpu = g32["cpu_us"] + (g32["pg_cpu_us"] or 0)
        print()
        print("issue 6 targets (load average now %.1f; numbers on a busy machine are inflated):" % os.getloadavg()[0])
        for label, value, limit, unit in (("added p50 at concurrency 1", added_c1, 1.0, "ms"),
                                          ("CPU per request, gateway + PostgreSQL", total_cpu, 150.0, "us"),
                                          ("gateway CPU per streamed event", per_event, 10.0, "us")):
            print("  %-40s %10.3f %s  (target < %g %s)  %s" % (label, value, unit, limit, unit,
                                                                "met" if value < limit else "NOT met"))
        if os.environ.get("BENCH_JSON"):
            with open(os.environ["BENCH_JSON"], "w") as f:
                json.dump({"%s@%d" % k: {kk: vv for kk, vv in v.items() if kk != "raw"} for k, v in results.items()}, f,
                          indent=1)
    finally:
        for p in (gateway, gateway_large):
            p.terminate()
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        for pf in pidfiles:
            stop_nginx(pf)
        time.sleep(0.3)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
