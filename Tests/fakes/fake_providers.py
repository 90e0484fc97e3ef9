#!/usr/bin/env python3
"""Fake model providers for Layers tests: OpenAI, Anthropic, Gemini, Perplexity (+ Morph, Vercel AI Gateway).

Written from the providers' documented wire formats (docs/reference wire-formats.md), independently of the
Swift adapters, so a misunderstanding on one side does not pass on both. Every request is validated the way the
real API would (missing fields, roles, block order, tool_result placement, auth headers) and recorded.

    python3 Tests/fakes/fake_providers.py --port 0      # prints "PORT <n>" on the first line of stdout

One process serves every provider under a path prefix; see Tests/fakes/README.md for base URLs and scenarios.
Scenario selection: header `x-fake-scenario: <name>` or the text `[[scenario:<name>]]` anywhere in the last
user message. Several may be combined with commas (e.g. `tool_call,slow`).
"""
import argparse
import gzip
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import fake_anthropic
import fake_gemini
import fake_openai
from fake_common import FakeError, Recorder, scenarios_from
import fake_lifecycle

RECORDER = Recorder()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # as real servers do: no 40 ms Nagle/delayed-ACK stall per response
    server_version = "fake-providers/1"

    def log_message(self, fmt, *args):  # quiet
        pass

    # ---------------------------------------------------------------- plumbing
    def read_body(self):
        length = int(self.headers.get("content-length") or 0)
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().strip(), 16)
                if size == 0:
                    self.rfile.readline()
                    break
                data += self.rfile.read(size)
                self.rfile.readline()
            return data
        return self.rfile.read(length) if length else b""

    def send_json(self, status, obj, headers=None):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def start_chunked(self, status=200, content_type="text/event-stream", headers=None):
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("transfer-encoding", "chunked")
        self.send_header("cache-control", "no-cache")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()

    def write_chunk(self, data):
        if isinstance(data, str):
            data = data.encode()
        if not data:
            return
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def end_chunked(self):
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def abort_connection(self):
        """Closes the socket without finishing the chunked body (a cut stream)."""
        self.wfile.flush()
        self.close_connection = True
        try:
            import socket
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # ---------------------------------------------------------------- routing
    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def do_DELETE(self):
        self.route("DELETE")

    def route(self, method):
        url = urlparse(self.path)
        path = url.path
        query = parse_qs(url.query)
        try:
            if path.startswith("/_fake/"):
                return self.control(method, path)
            if path.startswith("/_test/"):
                return self.test_endpoint(path, query)
            raw = self.read_body() if method == "POST" else b""
            body = None
            if raw:
                try:
                    body = json.loads(raw)
                except ValueError:
                    raise FakeError(400, "invalid JSON body")
            headers = {k.lower(): v for k, v in self.headers.items()}
            provider, rest = self.split_provider(path)
            RECORDER.record(provider, method, self.path, headers, body)
            if provider is None:
                return self.send_json(404, {"error": {"message": "no such fake: " + path}})
            scen = scenarios_from(headers, body, provider)
            if provider == "anthropic":
                return fake_anthropic.handle(self, method, rest, headers, body, scen)
            if provider == "gemini":
                return fake_gemini.handle(self, method, rest, query, headers, body, scen)
            return fake_openai.handle(self, provider, method, rest, headers, body, scen)
        except FakeError as e:
            provider, _ = self.split_provider(path)
            self.send_error_for(provider, e)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    @staticmethod
    def split_provider(path):
        for name in ("openai", "anthropic", "gemini", "perplexity", "morph", "gateway", "custom"):
            prefix = "/" + name
            if path == prefix or path.startswith(prefix + "/"):
                return name, path[len(prefix):]
        return None, path

    def send_error_for(self, provider, e):
        if provider == "anthropic":
            return fake_anthropic.send_error(self, e.status, e.message, e.headers)
        if provider == "gemini":
            return fake_gemini.send_error(self, e.status, e.message, e.headers)
        return fake_openai.send_error(self, e.status, e.message, e.headers, e.kind)

    # ---------------------------------------------------------------- control + raw HTTP test endpoints
    def control(self, method, path):
        if path == "/_fake/requests" and method == "GET":
            return self.send_json(200, RECORDER.all())
        if path == "/_fake/requests" and method == "DELETE":
            RECORDER.clear()
            return self.send_json(200, {"ok": True})
        if path == "/_fake/health":
            return self.send_json(200, {"ok": True})
        return self.send_json(404, {"error": "unknown control path"})

    def test_endpoint(self, path, q):
        def qi(name, default):
            return int(q.get(name, [default])[0])

        body = self.read_body() if self.command == "POST" else b""
        if path == "/_test/echo":
            return self.send_json(200, {
                "method": self.command, "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body.decode("utf-8", "replace"), "client_port": self.client_address[1],
            })
        if path.startswith("/_test/status/"):
            code = int(path.rsplit("/", 1)[1])
            extra = {"retry-after": q["retry_after"][0]} if "retry_after" in q else {}
            return self.send_json(code, {"status": code}, extra)
        if path == "/_test/slow_headers":
            time.sleep(qi("delay_ms", 1000) / 1000)
            return self.send_json(200, {"ok": True})
        if path == "/_test/stream":
            n, delay, size = qi("events", 10), qi("delay_ms", 0), qi("size", 16)
            stall_after, stall_ms = qi("stall_after", -1), qi("stall_ms", 0)
            self.start_chunked()
            for i in range(n):
                if i == stall_after:
                    time.sleep(stall_ms / 1000)
                line = ("data: %d %s\n\n" % (i, "x" * max(0, size - 12)))
                self.write_chunk(line)
                if delay:
                    time.sleep(delay / 1000)
            return self.end_chunked()
        if path == "/_test/gzip":
            raw = json.dumps({"hello": "compressed", "pad": "z" * 2000}).encode()
            data = gzip.compress(raw)
            accept = self.headers.get("accept-encoding", "")
            self.send_response(200)
            self.send_header("content-type", "application/json")
            if "gzip" in accept:
                self.send_header("content-encoding", "gzip")
            else:
                data = raw
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            return self.wfile.write(data)
        if path == "/_test/redirect":
            self.send_response(302)
            self.send_header("location", "/_test/echo")
            self.send_header("content-length", "0")
            self.end_headers()
            return
        if path == "/_test/close_mid":
            self.send_response(200)
            self.send_header("content-length", "1000")
            self.end_headers()
            self.wfile.write(b"0123456789")
            return self.abort_connection()
        if path == "/_test/big":
            n = qi("bytes", 1 << 20)
            self.send_response(200)
            self.send_header("content-length", str(n))
            self.end_headers()
            chunk = b"a" * 65536
            left = n
            while left > 0:
                self.wfile.write(chunk[:min(left, len(chunk))])
                left -= len(chunk)
            return
        return self.send_json(404, {"error": "unknown test path"})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--exit-on-stdin-eof", action="store_true",
                        help="exit when stdin closes (so a test process that dies takes the fake with it)")
    args = parser.parse_args()
    if args.exit_on_stdin_eof:
        fake_lifecycle.exit_with_parent()
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    print("PORT %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
