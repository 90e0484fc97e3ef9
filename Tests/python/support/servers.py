"""Starting and stopping the processes the end-to-end suites drive: `layers-server` (its binary, environment,
`serve` on a free port, one-off commands) and the fake providers from Tests/fakes.

The server binary is `$LAYERS_SERVER_BIN`, else `$LAYERS_BIN_DIR/layers-server` (scripts/test.sh exports it),
else the first built one under .build*/debug (or release), else it is built.
"""
import os
import pathlib
import re
import subprocess
import sys
import threading
import time

import httpx
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
ADMIN_TOKEN = "e2e-admin-token-0123456789"


def require_database_url():
    """$DATABASE_URL, or skips the test (scripts/test.sh starts a private PostgreSQL and sets it)."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        pytest.skip("DATABASE_URL is not set (scripts/test.sh starts a private PostgreSQL)")
    return url


def server_binary():
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


def start_fake(script, *args):
    """Starts a fake from Tests/fakes on a free port; returns (Popen, base URL). The fake also exits by itself
    when this process dies (its stdin closes); stop it with `stop_fake`."""
    proc = subprocess.Popen([sys.executable, str(ROOT / "Tests/fakes" / script), "--port", "0", *args,
                             "--exit-on-stdin-eof"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    m = re.match(r"PORT (\d+)", line)
    if not m:
        stop_fake(proc)
        raise AssertionError("%s did not start: %r" % (script, line))
    return proc, "http://127.0.0.1:%s" % m.group(1)


def stop_fake(proc):
    """Ends a fake we started (terminate, then kill), whatever state it is in."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    for pipe in (proc.stdin, proc.stdout):
        if pipe:
            pipe.close()


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


def start_server(database_url, fakes, drop=(), **extra_env):
    """Starts `layers-server serve` on a free port with `server_env` (plus `extra_env`, minus the variables named
    in `drop`); returns (Process, base URL) once /health answers. The caller stops it; it is stopped here when it
    never comes up."""
    env = server_env(database_url, fakes, **extra_env)
    for name in drop:
        env.pop(name, None)
    proc = Process([str(server_binary()), "serve"], env)
    try:
        m = proc.wait_for_stderr(r"listening on http://[^:]+:(\d+)")
        base = "http://127.0.0.1:%s" % m.group(1)
        for _ in range(100):
            try:
                if httpx.get(base + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
    except BaseException:
        proc.stop()
        raise
    return proc, base


def run_cli(database_url, *args, **extra_env):
    """Runs one `layers-server` command against the e2e database; returns the CompletedProcess."""
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY") and not k.endswith("_BASE_URL")}
    env.update({"DATABASE_URL": database_url}, **extra_env)
    return subprocess.run([str(server_binary()), *args], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
