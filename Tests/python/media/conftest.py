"""Fixtures for the image, embeddings and /v1/messages end-to-end tests: the real `layers-server` binary, real
PostgreSQL, the chat fakes (Tests/fakes/fake_providers.py) behind the media fakes (Tests/fakes/fake_media.py,
which forwards every non-media request to the chat fakes), driven by the official `openai` and `anthropic` SDKs.

The server process, accounts and helpers come from the chat e2e suite (Tests/python/e2e/conftest.py), loaded
under its own module name so that the two suites never shadow each other's `conftest`.
"""
import pathlib
import re
import subprocess
import sys
import time

import httpx
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from media_support import e2e  # noqa: E402


def _start(args):
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    m = re.match(r"PORT (\d+)", line)
    if not m:
        _stop(proc)
        raise AssertionError("fake did not start: %r" % line)
    return proc, "http://127.0.0.1:%s" % m.group(1)


def _stop(proc):
    """Ends a child we started (terminate, then kill), whatever state it is in."""
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


@pytest.fixture(scope="session")
def media_database_url():
    import os
    url = os.environ.get("DATABASE_URL")
    if not url:
        pytest.skip("DATABASE_URL is not set (scripts/test.sh starts a private PostgreSQL)")
    return url


@pytest.fixture(scope="session")
def media_fakes():
    """The chat fakes behind the media fakes. Both are stopped at the end of the session, or at once when one
    fails to start; they also exit by themselves when this process dies (their stdin closes)."""
    started = []
    try:
        chat, chat_base = _start([sys.executable, str(ROOT / "Tests/fakes/fake_providers.py"), "--port", "0",
                                  "--exit-on-stdin-eof"])
        started.append(chat)
        media, media_base = _start([sys.executable, str(ROOT / "Tests/fakes/fake_media.py"), "--port", "0",
                                    "--chat-upstream", chat_base, "--exit-on-stdin-eof"])
        started.append(media)
        yield media_base
    finally:
        for p in reversed(started):
            _stop(p)


def _serve(database_url, env_extra, drop=()):
    """A layers-server on a free port; the caller stops it (it is stopped here when it never comes up)."""
    env = e2e.server_env(database_url, env_extra.pop("_fakes"), **env_extra)
    for name in drop:
        env.pop(name, None)
    proc = e2e.Process([str(e2e._server_binary()), "serve"], env)
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


@pytest.fixture(scope="session")
def media_server(media_database_url, media_fakes):
    proc, base = _serve(media_database_url, {
        "_fakes": media_fakes,
        "BFL_API_KEY": "bfl-fake-key-000000", "BFL_BASE_URL": media_fakes + "/bfl",
        "RECRAFT_API_KEY": "recraft-fake-key-0000", "RECRAFT_BASE_URL": media_fakes + "/recraft/v1",
        "BFL_POLL_INTERVAL_MS": "10", "BFL_DEADLINE_SECONDS": "1.5"})
    try:
        probe = httpx.post(base + "/v1/embeddings", json={}, timeout=5)
        if probe.status_code in (404, 405):
            pytest.skip("this layers-server build does not register the media routes yet")
        yield base
    finally:
        proc.stop()


@pytest.fixture(scope="session")
def media_gateway_server(media_database_url, media_fakes):
    """A second server where no provider has a key of its own, only the Vercel AI Gateway (the fake's /gateway):
    every image, embedding and /v1/messages request goes through the gateway. Its image limits are lowered
    (LAYERS_IMAGE_MAX_N=2, LAYERS_IMAGE_MAX_PROMPT_CHARS=50) to test that they are configurable."""
    proc, base = _serve(media_database_url, {
        "_fakes": media_fakes, "AI_GATEWAY_API_KEY": "vck-fake-gateway-0000",
        "AI_GATEWAY_BASE_URL": media_fakes + "/gateway/v1",
        "LAYERS_IMAGE_MAX_N": "2", "LAYERS_IMAGE_MAX_PROMPT_CHARS": "50"},
        drop=("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "PERPLEXITY_API_KEY"))
    try:
        yield base
    finally:
        proc.stop()


@pytest.fixture(scope="session")
def media_admin(media_server):
    with httpx.Client(base_url=media_server, headers={"authorization": "Bearer " + e2e.ADMIN_TOKEN}, timeout=30) as c:
        yield c


@pytest.fixture
def media_account(media_server, media_admin):
    return e2e.Account(media_server, media_admin, credits="100")


@pytest.fixture
def make_media_account(media_server, media_admin):
    return lambda **kw: e2e.Account(media_server, media_admin, **kw)


@pytest.fixture
def gateway_account(media_gateway_server, media_database_url):
    with httpx.Client(base_url=media_gateway_server, headers={"authorization": "Bearer " + e2e.ADMIN_TOKEN},
                      timeout=30) as admin:
        yield e2e.Account(media_gateway_server, admin, credits="100")
