"""LayersHTTP against real clients: h11 (strict validator), curl, http.client and httpx."""
import http.client
import json
import signal
import socket
import subprocess
import time

import h11
import httpx
import pytest

from h11check import exchange, header, serialize


# --- h11 validates every response shape we send -------------------------------------------------------------

def test_h11_validates_all_response_shapes_pipelined(demo):
    requests = [
        ("GET", "/json", [], None),
        ("HEAD", "/json", [], None),
        ("GET", "/nocontent", [], None),
        ("GET", "/notmodified", [], None),
        ("GET", "/stream?n=5", [], None),
        ("HEAD", "/stream?n=5", [], None),
        ("POST", "/echo", [("Content-Type", "text/plain")], b"hello h11"),
        ("POST", "/echo", [("Transfer-Encoding", "chunked")], b"chunked body"),
        ("GET", "/fixed-stream", [], None),
        ("GET", "/big?bytes=300000", [], None),
        ("GET", "/missing", [], None),
        ("DELETE", "/json", [], None),
        ("OPTIONS", "/json", [], None),
        ("GET", "/params/a%20b", [], None),
    ]
    results = exchange(demo.port, requests)
    assert len(results) == len(requests)
    statuses = [r.status_code for r, _ in results]
    assert statuses == [200, 200, 204, 304, 200, 200, 200, 200, 200, 200, 404, 405, 204, 200]
    bodies = [b for _, b in results]
    assert len(bodies[0]) == 1024 and json.loads(bodies[0])["object"] == "list"
    assert bodies[1] == b"" and header(results[1][0], "content-length") == "1024"
    assert bodies[2] == b"" and bodies[3] == b""
    assert bodies[4].decode().count("data: ") == 6
    assert bodies[6] == b"hello h11"
    assert bodies[7] == b"chunked body"
    assert bodies[8] == b"helloworld"
    assert len(bodies[9]) == 300000
    assert json.loads(bodies[10])["error"]["code"] == "not_found"
    assert header(results[11][0], "allow") == "GET, HEAD, OPTIONS"
    assert bodies[13] == b"a b"
    for response, _ in results:
        assert header(response, "x-request-id")
        assert header(response, "date")


def test_h11_validates_error_responses(demo):
    bad = [
        b"GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost : t\r\n\r\n",
        b"GET / HTTP/1.1\nHost: t\n\n",
        b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ]
    for raw in bad:
        (response, body), = exchange(demo.port, [("GET", "/", [], None)], raw=raw)
        assert response.status_code == 400
        assert header(response, "connection") == "close"
        assert json.loads(body)["error"]["message"]


def test_h11_expect_100_continue(demo):
    conn = h11.Connection(our_role=h11.CLIENT)
    with socket.create_connection(("127.0.0.1", demo.port), timeout=10) as sock:
        sock.sendall(conn.send(h11.Request(method="POST", target="/echo", headers=[
            ("Host", "t"), ("Content-Length", "4"), ("Expect", "100-continue")])))
        conn.receive_data(sock.recv(65536))
        event = conn.next_event()
        assert isinstance(event, h11.InformationalResponse) and event.status_code == 100
        sock.sendall(conn.send(h11.Data(data=b"data")) + conn.send(h11.EndOfMessage()))
        body = b""
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                conn.receive_data(sock.recv(65536))
            elif isinstance(event, h11.Response):
                assert event.status_code == 200
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                break
        assert body == b"data"


def test_pipelining_keeps_order_under_load(demo):
    requests = [("POST", "/echo", [], str(i).encode()) for i in range(200)]
    results = exchange(demo.port, requests)
    assert [b for _, b in results] == [str(i).encode() for i in range(200)]


# --- curl --------------------------------------------------------------------------------------------------

def curl(*args):
    return subprocess.run(["curl", "-sS", "--http1.1", *args], capture_output=True, text=True, timeout=30)


def test_curl_reuses_keepalive_connection(demo):
    result = curl("-v", f"{demo.base}/json", f"{demo.base}/health")
    assert result.returncode == 0
    assert "Re-using existing connection" in result.stderr or "Reusing existing" in result.stderr
    assert result.stdout.endswith("ok")


def test_curl_chunked_upload_and_expect_continue(demo):
    result = curl("-H", "Transfer-Encoding: chunked", "--data-binary", "chunky", f"{demo.base}/echo")
    assert result.stdout == "chunky"
    body = "x" * 2_000_000
    result = subprocess.run(["curl", "-sS", "-v", "-H", "Expect: 100-continue", "--data-binary", "@-",
                             f"{demo.base}/echo"], input=body, capture_output=True, text=True, timeout=30)
    assert "HTTP/1.1 100 Continue" in result.stderr
    assert len(result.stdout) == len(body)


def test_curl_http10_and_head(demo):
    result = curl("--http1.0", "-i", f"{demo.base}/health")
    assert result.stdout.startswith("HTTP/1.1 200 OK")
    assert "Connection: close" in result.stdout
    result = curl("-I", f"{demo.base}/json")
    assert "Content-Length: 1024" in result.stdout


def test_curl_streams_sse(demo):
    result = curl("-N", f"{demo.base}/stream?n=3")
    assert result.stdout == 'data: {"index":0}\n\ndata: {"index":1}\n\ndata: {"index":2}\n\ndata: [DONE]\n\n'


# --- http.client --------------------------------------------------------------------------------------------

def test_http_client_keepalive_post_chunked_head(demo):
    conn = http.client.HTTPConnection("127.0.0.1", demo.port, timeout=10)
    for i in range(5):
        conn.request("GET", "/json")
        response = conn.getresponse()
        assert response.status == 200 and len(response.read()) == 1024
    conn.request("POST", "/echo", body=iter([b"ab", b"cd", b"ef"]), encode_chunked=True,
                 headers={"Transfer-Encoding": "chunked"})
    response = conn.getresponse()
    assert response.read() == b"abcdef"
    conn.request("HEAD", "/json")
    response = conn.getresponse()
    assert response.getheader("Content-Length") == "1024" and response.read() == b""
    conn.request("GET", "/headers", headers={"X-Request-ID": "trace-42"})
    response = conn.getresponse()
    assert response.getheader("x-request-id") == "trace-42"
    response.read()
    conn.close()


# --- httpx --------------------------------------------------------------------------------------------------

def test_httpx_sync_and_sse(demo):
    with httpx.Client(base_url=demo.base, timeout=10) as client:
        assert client.get("/json").json()["data"][0]["id"] == "layers-demo"
        assert client.post("/echo", content=b"x" * 100_000).content == b"x" * 100_000
        with client.stream("GET", "/stream?n=20") as response:
            assert response.headers["content-type"] == "text/event-stream"
            lines = [line for line in response.iter_lines() if line.startswith("data: ")]
        assert len(lines) == 21 and lines[-1] == "data: [DONE]"


def test_httpx_async_concurrency(demo):
    import asyncio

    async def main():
        limits = httpx.Limits(max_connections=50)
        async with httpx.AsyncClient(base_url=demo.base, timeout=20, limits=limits) as client:
            responses = await asyncio.gather(*[client.post("/echo", content=str(i).encode()) for i in range(100)])
            return [r.text for r in responses]

    assert asyncio.run(main()) == [str(i) for i in range(100)]


# --- bad clients ---------------------------------------------------------------------------------------------

def test_slow_reader_gets_everything(demo):
    total = 20_000_000
    with socket.create_connection(("127.0.0.1", demo.port), timeout=20) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
        sock.sendall(f"GET /big?bytes={total} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".encode())
        time.sleep(0.5)  # not an assertion: let the server hit backpressure
        received = read_to_close(sock)
    head, _, body = received.partition(b"\r\n\r\n")
    assert b"Transfer-Encoding: chunked" in head
    # de-chunk
    length, position = 0, 0
    while True:
        line_end = body.index(b"\r\n", position)
        size = int(body[position:line_end], 16)
        if size == 0:
            break
        length += size
        position = line_end + 2 + size + 2
    assert length == total


def test_early_disconnect_is_logged_as_aborted_and_server_keeps_serving(demo):
    with socket.create_connection(("127.0.0.1", demo.port), timeout=10) as sock:
        sock.sendall(b"GET /slow?ms=30000 HTTP/1.1\r\nHost: t\r\nX-Request-ID: abandon-me\r\n\r\n")
        time.sleep(0.2)
    deadline = time.time() + 10
    while "rid=abandon-me aborted" not in demo.log() and time.time() < deadline:
        time.sleep(0.05)
    assert "rid=abandon-me aborted" in demo.log()
    assert httpx.get(f"{demo.base}/health").text == "ok"


def test_access_log_never_contains_authorization(demo):
    httpx.get(f"{demo.base}/health?token=querysecret", headers={"Authorization": "Bearer sk-supersecret",
                                                                "X-Request-ID": "log-check"})
    deadline = time.time() + 5
    while "rid=log-check" not in demo.log() and time.time() < deadline:
        time.sleep(0.05)
    line = [l for l in demo.log().splitlines() if "rid=log-check" in l][0]
    assert '"GET /health" 200 2' in line
    assert "supersecret" not in demo.log() and "querysecret" not in demo.log()


def test_malformed_input_does_not_stop_service(demo):
    garbage = [b"\x00\x01\x02\r\n\r\n", b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\n\r\n",
               b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
               b"\xff" * 100000]
    for raw in garbage:
        with socket.create_connection(("127.0.0.1", demo.port), timeout=10) as sock:
            try:
                sock.sendall(raw)
                data = sock.recv(65536)
            except ConnectionResetError:
                data = b""
            assert data == b"" or data.startswith(b"HTTP/1.1 4")
    assert httpx.get(f"{demo.base}/health").text == "ok"


# --- signals and graceful shutdown ---------------------------------------------------------------------------

def read_to_close(sock):
    data = bytearray()
    while True:
        chunk = sock.recv(1 << 20)
        if not chunk:
            return bytes(data)
        data += chunk


def test_sigterm_lets_stream_finish_then_exits(fresh_demo):
    server = fresh_demo()
    with socket.create_connection(("127.0.0.1", server.port), timeout=20) as sock:
        sock.sendall(b"GET /stream?n=20&delay_ms=20 HTTP/1.1\r\nHost: t\r\n\r\n")
        first = sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 200 OK")
        server.process.send_signal(signal.SIGTERM)
        data = first + read_to_close(sock)
    assert server.process.wait(timeout=20) == 0
    assert data.count(b"data: ") == 21
    assert data.endswith(b"data: [DONE]\n\n\r\n0\r\n\r\n")


def test_sigint_with_short_deadline_cuts_endless_stream(fresh_demo):
    server = fresh_demo("--shutdown-deadline-ms", "200")
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"GET /stream?n=100000&delay_ms=10 HTTP/1.1\r\nHost: t\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 200 OK")
        server.process.send_signal(signal.SIGINT)
        assert server.process.wait(timeout=20) == 0
        data = read_to_close(sock)
        assert not data.endswith(b"0\r\n\r\n")  # cut, not completed


def test_limits_from_flags(fresh_demo):
    server = fresh_demo("--max-body", "10", "--header-timeout-ms", "200")
    response = httpx.post(f"{server.base}/echo", content=b"x" * 11)
    assert response.status_code == 413
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: t\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 408 ")


def test_cors_preflight_from_flags(fresh_demo):
    server = fresh_demo("--cors-origin", "https://app.example")
    response = httpx.options(f"{server.base}/echo", headers={"Origin": "https://app.example",
                                                             "Access-Control-Request-Method": "POST"})
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "https://app.example"


def test_header_limits_and_silent_connection_timeout_from_flags(fresh_demo):
    server = fresh_demo("--max-request-line", "64", "--max-header-bytes", "512", "--max-headers", "8",
                        "--header-timeout-ms", "200", "--idle-timeout-ms", "60000")
    assert httpx.get(f"{server.base}/params/" + "a" * 80).status_code == 414
    assert httpx.get(f"{server.base}/health", headers={"x-big": "b" * 600}).status_code == 431
    many = {f"x-{i}": str(i) for i in range(5)}  # plus httpx's own 5 headers: 10 > 8
    assert httpx.get(f"{server.base}/health", headers=many).status_code == 431
    # A connection that never sends a byte is closed (quietly) after the header timeout, not the idle one.
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        assert sock.recv(65536) == b""
    assert httpx.get(f"{server.base}/health").status_code == 200


def cpu_ticks(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def test_out_of_descriptors_pauses_accepting_instead_of_spinning(fresh_demo):
    # With 64 descriptors the server runs out long before 120 connections; the listener stays readable, so
    # a loop that kept calling accept() would burn a core. It must pause accepting, and resume once
    # connections close.
    server = fresh_demo("--loops", "1", nofile=64)
    clients = []
    for _ in range(120):
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
        clients.append(sock)
    time.sleep(0.5)
    before = cpu_ticks(server.process.pid)
    time.sleep(2)
    used = cpu_ticks(server.process.pid) - before
    assert used < 40, f"{used} CPU ticks in 2 s while out of descriptors: the loop is spinning"
    for sock in clients:
        sock.close()
    # Slots free up; accepting resumes (at the next deadline tick) and new clients are served.
    assert httpx.get(f"{server.base}/health", timeout=10).status_code == 200
    assert server.process.poll() is None
