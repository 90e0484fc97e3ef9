"""Fixtures for the image, embeddings and /v1/messages end-to-end tests: the real `layers-server` binary, real
PostgreSQL, the chat fakes (Tests/fakes/fake_providers.py) behind the media fakes (Tests/fakes/fake_media.py,
which forwards every non-media request to the chat fakes), driven by the official `openai` and `anthropic` SDKs.

The processes are started by Tests/python/support/servers.py and the accounts come from support/e2e.py, both
shared with the chat e2e suite.
"""
import pathlib
import sys

import httpx
import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from support.servers import require_database_url, start_fake, start_server, stop_fake  # noqa: E402
from media_support import e2e  # noqa: E402


@pytest.fixture(scope="session")
def media_database_url():
    return require_database_url()


@pytest.fixture(scope="session")
def media_fakes():
    """The chat fakes behind the media fakes. Both are stopped at the end of the session, or at once when one
    fails to start; they also exit by themselves when this process dies (their stdin closes)."""
    started = []
    try:
        chat, chat_base = start_fake("fake_providers.py")
        started.append(chat)
        media, media_base = start_fake("fake_media.py", "--chat-upstream", chat_base)
        started.append(media)
        yield media_base
    finally:
        for p in reversed(started):
            stop_fake(p)


@pytest.fixture(scope="session")
def media_server(media_database_url, media_fakes):
    proc, base = start_server(
        media_database_url, media_fakes,
        BFL_API_KEY="bfl-fake-key-000000", BFL_BASE_URL=media_fakes + "/bfl",
        RECRAFT_API_KEY="recraft-fake-key-0000", RECRAFT_BASE_URL=media_fakes + "/recraft/v1",
        BFL_POLL_INTERVAL_MS="10", BFL_DEADLINE_SECONDS="1.5")
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
    proc, base = start_server(
        media_database_url, media_fakes,
        AI_GATEWAY_API_KEY="vck-fake-gateway-0000", AI_GATEWAY_BASE_URL=media_fakes + "/gateway/v1",
        LAYERS_IMAGE_MAX_N="2", LAYERS_IMAGE_MAX_PROMPT_CHARS="50",
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
