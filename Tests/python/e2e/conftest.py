"""End-to-end fixtures: the real `layers-server` binary over loopback, real PostgreSQL (DATABASE_URL), and the
fake providers from Tests/fakes, driven by the official `openai` Python SDK.

The server binary is `$LAYERS_SERVER_BIN`, else `$LAYERS_BIN_DIR/layers-server` (scripts/test.sh exports it),
else the first built one under .build*/debug. Every test gets a fresh user (unique email) so tests never share
a balance.
"""
import json
import os
import pathlib
import re
import subprocess
import sys
import threading
import time
import uuid
from decimal import ROUND_HALF_UP, Decimal

import httpx
import openai
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
ADMIN_TOKEN = "e2e-admin-token-0123456789"


def _server_binary():
    candidates = []
    if os.environ.get("LAYERS_SERVER_BIN"):
        candidates.append(pathlib.Path(os.environ["LAYERS_SERVER_BIN"]))
    if os.environ.get("LAYERS_BIN_DIR"):
        candidates.append(pathlib.Path(os.environ["LAYERS_BIN_DIR"]) / "layers-server")
    candidates += sorted(ROOT.glob(".build*/debug/layers-server")) + sorted(ROOT.glob(".build*/release/layers-server"))
    for c in candidates:
        if c.is_file() and os.access(c, os.X_OK):
            return c
    subprocess.run(["swift", "build", "--product", "layers-server"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    out = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, check=True, capture_output=True, text=True)
    return pathlib.Path(out.stdout.strip()) / "layers-server"


class Process:
    """A child process whose stderr is collected in the background (so it never blocks on a full pipe)."""

    def __init__(self, args, env, cwd=ROOT):
        self.proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        self.stderr_lines = []
        self._t = threading.Thread(target=self._drain, daemon=True)
        self._t.start()

    def _drain(self):
        for line in self.proc.stderr:
            self.stderr_lines.append(line)

    def wait_for_stderr(self, pattern, timeout=30):
        deadline = time.time() + timeout
        rx = re.compile(pattern)
        while time.time() < deadline:
            for line in list(self.stderr_lines):
                m = rx.search(line)
                if m:
                    return m
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError("process did not log %r; stderr:\n%s" % (pattern, "".join(self.stderr_lines)))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture(scope="session")
def database_url():
    url = os.environ.get("DATABASE_URL")
    if not url:
        pytest.skip("DATABASE_URL is not set (scripts/test.sh starts a private PostgreSQL)")
    return url


@pytest.fixture(scope="session")
def fakes():
    proc = subprocess.Popen([sys.executable, str(ROOT / "Tests/fakes/fake_providers.py"), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    m = re.match(r"PORT (\d+)", line)
    assert m, "fake providers did not start: %r" % line
    base = "http://127.0.0.1:%s" % m.group(1)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def server_env(database_url, fakes, **extra):
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY") and not k.endswith("_BASE_URL")}
    env.update({
        "DATABASE_URL": database_url,
        "LAYERS_HOST": "127.0.0.1",
        "LAYERS_PORT": "0",
        "LAYERS_ADMIN_TOKEN": ADMIN_TOKEN,
        "LAYERS_KEY_CACHE_SECONDS": "0",
        "LAYERS_ACCESS_LOG": "false",
        "OPENAI_API_KEY": "sk-fake-openai-000000000000",
        "OPENAI_BASE_URL": fakes + "/openai/v1",
        "ANTHROPIC_API_KEY": "sk-ant-fake-00000000000000",
        "ANTHROPIC_BASE_URL": fakes + "/anthropic",
        "GEMINI_API_KEY": "AIza-fake-000000000000000",
        "GEMINI_BASE_URL": fakes + "/gemini",
        # Our own upstream credentials refused: the gateway must answer 5xx naming the provider.
        "PERPLEXITY_API_KEY": "bad-perplexity-key-000000",
        "PERPLEXITY_BASE_URL": fakes + "/perplexity",
        # Morph has no key and there is no AI gateway: its models answer 503 provider_not_configured.
    })
    env.update(extra)
    return env


def start_server(database_url, fakes, **extra_env):
    """Starts `layers-server serve` on a free port; returns (Process, base URL) once /health answers."""
    binary = _server_binary()
    proc = Process([str(binary), "serve"], server_env(database_url, fakes, **extra_env))
    m = proc.wait_for_stderr(r"listening on http://[^:]+:(\d+)")
    base = "http://127.0.0.1:%s" % m.group(1)
    for _ in range(100):
        try:
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    return proc, base


def run_cli(database_url, *args, **extra_env):
    """Runs one `layers-server` command against the e2e database; returns the CompletedProcess."""
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY") and not k.endswith("_BASE_URL")}
    env.update({"DATABASE_URL": database_url}, **extra_env)
    return subprocess.run([str(_server_binary()), *args], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture(scope="session")
def server(database_url, fakes):
    proc, base = start_server(database_url, fakes)
    yield base
    proc.stop()


@pytest.fixture(scope="session")
def admin(server):
    with httpx.Client(base_url=server, headers={"authorization": "Bearer " + ADMIN_TOKEN}, timeout=30) as c:
        yield c


def loads(text):
    """JSON with exact decimals (credits are compared exactly, never as floats)."""
    return json.loads(text, parse_float=Decimal, parse_int=int)


class Account:
    def __init__(self, server, admin, credits="100", tier="pro"):
        email = "e2e-%s@example.com" % uuid.uuid4().hex[:12]
        r = admin.post("/admin/users", json={"email": email, "tier": tier, "credits": credits,
                                              "key": {"name": "live", "mode": "live", "project": "e2e"}})
        assert r.status_code == 201, r.text
        body = r.json()
        self.server = server
        self.admin = admin
        self.user_id = body["id"]
        self.live_key = body["api_key"]["key"]
        r = admin.post("/admin/users/%s/keys" % self.user_id, json={"name": "sandbox", "mode": "test"})
        assert r.status_code == 201, r.text
        self.test_key = r.json()["key"]

    def client(self, key=None, **kw):
        return openai.OpenAI(base_url=self.server + "/v1", api_key=key or self.live_key, max_retries=0,
                             timeout=30, **kw)

    def http(self, key=None):
        return httpx.Client(base_url=self.server, timeout=30,
                            headers={"authorization": "Bearer " + (key or self.live_key)})

    def balance(self):
        with self.http() as c:
            r = c.get("/api/balance")
            assert r.status_code == 200, r.text
            return loads(r.text)

    def usage(self, **params):
        with self.http() as c:
            r = c.get("/api/usage", params=params)
            assert r.status_code == 200, r.text
            return loads(r.text)


@pytest.fixture
def account(server, admin):
    return Account(server, admin)


@pytest.fixture
def make_account(server, admin):
    return lambda **kw: Account(server, admin, **kw)


_PRICING = {}


def pricing(server, model):
    if model not in _PRICING:
        r = httpx.get(server + "/v1/models/" + model, timeout=10)
        assert r.status_code == 200, r.text
        _PRICING[model] = loads(r.text)["pricing"]
    return _PRICING[model]


def expected_credits(server, model, usage, margin_percent=Decimal(60)):
    """Credits as LayersCredits computes them: integer picodollars from per-1M prices, margin applied, rounded
    once half-up to the micro-credit (docs/credits.md)."""
    p = pricing(server, model)
    micro = lambda v: int(Decimal(str(v)) * 1_000_000)  # USD per 1M tokens -> micro-USD per 1M = picodollars per token
    details = usage.get("prompt_tokens_details") or {}
    cached = int(details.get("cached_tokens") or 0)
    cache_write = int(details.get("cache_write_tokens") or 0)
    prompt = int(usage["prompt_tokens"])
    completion = int(usage["completion_tokens"])
    pico = (prompt - cached - cache_write) * micro(p["input"]) + completion * micro(p["output"])
    pico += cached * micro(p.get("cached_input", p["input"]))
    pico += cache_write * micro(p.get("cache_write_5m", p["input"]))
    bps = int(margin_percent * 100)
    micro_credits = (Decimal(pico) * (10000 + bps) / Decimal(10000) / Decimal(10000)).quantize(
        Decimal(1), rounding=ROUND_HALF_UP)
    return micro_credits / Decimal(1_000_000)


def fake_requests(fakes):
    return httpx.get(fakes + "/_fake/requests", timeout=10).json()


def wait_until(predicate, timeout=10.0, interval=0.05):
    """Polls for an outcome that happens asynchronously (a stream settled after the client went away)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()
