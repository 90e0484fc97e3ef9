"""End-to-end fixtures: the real `layers-server` binary over loopback, real PostgreSQL (DATABASE_URL), and the
fake providers from Tests/fakes, driven by the official `openai` Python SDK.

Starting the processes and the shared helpers (accounts, exact decimals, expected credits) live in
Tests/python/support, which the media suite uses too. Every test gets a fresh user (unique email) so tests never
share a balance.
"""
import pathlib
import sys

import httpx
import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from support.e2e import Account  # noqa: E402
from support.servers import ADMIN_TOKEN, require_database_url, start_fake, start_server, stop_fake  # noqa: E402


@pytest.fixture(scope="session")
def database_url():
    return require_database_url()


@pytest.fixture(scope="session")
def fakes():
    proc, base = start_fake("fake_providers.py")
    try:
        yield base
    finally:
        stop_fake(proc)


@pytest.fixture(scope="session")
def server(database_url, fakes):
    proc, base = start_server(database_url, fakes)
    yield base
    proc.stop()


@pytest.fixture(scope="session")
def admin(server):
    with httpx.Client(base_url=server, headers={"authorization": "Bearer " + ADMIN_TOKEN}, timeout=30) as c:
        yield c


@pytest.fixture
def account(server, admin):
    return Account(server, admin)


@pytest.fixture
def make_account(server, admin):
    return lambda **kw: Account(server, admin, **kw)
