"""What a deployer touches besides the chat API: the command line (admin commands print only what scripts need
on stdout), CORS for browser clients, upstream timeouts (504 naming the provider) and the headers every answer
carries over the wire."""
import re
import socket
import threading
import uuid
from decimal import Decimal

import httpx
import openai
import pytest

from support.e2e import ADMIN_TOKEN, loads
from support.servers import run_cli, start_server

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
HI = [{"role": "user", "content": "hi"}]


def test_cli_admin_commands_print_only_what_scripts_need(database_url, server):
    email = "cli-%s@example.com" % uuid.uuid4().hex[:10]
    r = run_cli(database_url, "create-user", "--email", email, "--name", "CLI user", "--credits", "12.5")
    assert r.returncode == 0, r.stderr
    user_id = r.stdout.strip()
    assert UUID_RE.match(user_id), r.stdout
    assert r.stdout == user_id + "\n"
    # The same email again fails (named), unless --if-missing, which prints the existing id.
    again = run_cli(database_url, "create-user", "--email", email)
    assert again.returncode == 1 and "already exists" in again.stderr and again.stdout == ""
    same = run_cli(database_url, "create-user", "--email", email, "--if-missing")
    assert same.returncode == 0 and same.stdout.strip() == user_id

    r = run_cli(database_url, "create-key", "--user", user_id, "--name", "cli sandbox", "--test")
    assert r.returncode == 0, r.stderr
    test_key = r.stdout.strip()
    assert r.stdout == test_key + "\n" and re.match(r"^lyr_test_[A-Za-z0-9_-]{43}$", test_key)
    assert test_key not in r.stderr
    r = run_cli(database_url, "create-key", "--user", user_id, "--name", "cli live", "--project", "ops")
    live_key = r.stdout.strip()
    assert r.returncode == 0 and live_key.startswith("lyr_live_")

    assert run_cli(database_url, "check-key", test_key).returncode == 0
    assert run_cli(database_url, "check-key", "lyr_test_" + "A" * 43).returncode == 1
    assert run_cli(database_url, "check-key", "not-a-key").returncode == 1

    r = run_cli(database_url, "add-credits", "--user", user_id, "--amount", "7.5", "--reference", "cli-" + user_id)
    assert r.returncode == 0 and r.stdout.strip() == "20"
    r = run_cli(database_url, "add-credits", "--user", user_id, "--amount", "7.5", "--reference", "cli-" + user_id)
    assert r.returncode == 0 and r.stdout.strip() == "20" and "already applied" in r.stderr

    # The keys work against the running server (same database).
    b = httpx.get(server + "/api/balance", headers={"authorization": "Bearer " + live_key}).json()
    assert Decimal(str(b["credits"])) == 20
    reply = openai.OpenAI(base_url=server + "/v1", api_key=test_key, max_retries=0).chat.completions.create(
        model="anthropic/claude-sonnet-4.5", messages=HI)
    assert reply.choices[0].message.content

    # Mistakes are named on stderr with a non-zero status, never a stack trace on stdout.
    r = run_cli(database_url, "create-key", "--user", "nobody")
    assert r.returncode == 1 and "--user" in r.stderr and r.stdout == ""
    r = run_cli(database_url, "create-key", "--user", "00000000-0000-4000-8000-000000000000")
    assert r.returncode == 1 and r.stdout == ""
    r = run_cli(database_url, "frobnicate")
    assert r.returncode == 1 and "unknown command" in r.stderr


def test_cli_models_migrate_and_help(database_url):
    r = run_cli(database_url, "models", "--provider", "anthropic")
    assert r.returncode == 0
    assert "anthropic/claude-sonnet-4.5" in r.stdout and "openai/" not in r.stdout
    r = run_cli(database_url, "models", "--json")
    ids = {m["id"] for m in loads(r.stdout)}
    assert {"openai/gpt-4o", "google/gemini-2.5-flash"} <= ids
    r = run_cli(database_url, "migrate")
    assert r.returncode == 0 and "up to date" in r.stderr
    r = run_cli(database_url, "--help")
    assert r.returncode == 0
    for name in ("serve", "migrate", "create-user", "add-credits", "create-key", "models", "DATABASE_URL",
                 "LAYERS_PORT", "LAYERS_ADMIN_TOKEN", "LAYERS_DEFAULT_MARGIN_PERCENT", "LAYERS_CORS_ORIGINS",
                 "OPENAI_API_KEY", "ANTHROPIC_BASE_URL"):
        assert name in r.stdout, name
    r = run_cli(database_url, "serve", LAYERS_PORT="not-a-port")
    assert r.returncode == 1 and "LAYERS_PORT" in r.stderr


@pytest.fixture(scope="module")
def silent_upstream():
    """A TCP server that accepts connections and never answers (a provider that hangs)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
                held.append(conn)
            except OSError:
                pass
    t = threading.Thread(target=accept, daemon=True)
    t.start()
    yield "http://127.0.0.1:%d" % listener.getsockname()[1]
    stop.set()
    t.join(timeout=2)
    for c in held:
        c.close()
    listener.close()


@pytest.fixture(scope="module")
def second_server(database_url, fakes, silent_upstream):
    """A second gateway on the same database: CORS for one origin, OpenAI pointed at a provider that hangs."""
    proc, base = start_server(database_url, fakes, LAYERS_CORS_ORIGINS="https://app.example",
                              OPENAI_BASE_URL=silent_upstream + "/v1", LAYERS_UPSTREAM_FIRST_BYTE_TIMEOUT_MS="400")
    yield base
    proc.stop()


def test_upstream_timeout_is_504_naming_the_provider(second_server, account):
    client = openai.OpenAI(base_url=second_server + "/v1", api_key=account.live_key, max_retries=0, timeout=30)
    with pytest.raises(openai.InternalServerError) as e:
        client.chat.completions.create(model="openai/gpt-4o", messages=HI)
    assert e.value.status_code == 504
    assert e.value.body["code"] == "upstream_timeout"
    assert e.value.body["provider"] == "openai" and "openai" in e.value.body["message"]
    assert "sk-fake-openai" not in str(e.value.body)
    # Streams time out the same way before the first byte: a status, not a broken 200.
    with pytest.raises(openai.InternalServerError) as e:
        for _ in client.chat.completions.create(model="openai/gpt-4o", messages=HI, stream=True):
            pass
    assert e.value.status_code == 504
    balance = account.balance()
    assert Decimal(str(balance["credits"])) == 100 and Decimal(str(balance["reserved"])) == 0
    rows = account.usage()["recent_logs"]
    assert [r["status"] for r in rows] == [504, 504]
    assert all(r["error_code"] == "upstream_timeout" and Decimal(str(r["credits_charged"])) == 0 for r in rows)


def test_cors_for_allowed_origins_only(second_server, account):
    pre = httpx.options(second_server + "/v1/chat/completions", headers={
        "origin": "https://app.example", "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type"})
    assert pre.status_code == 204
    assert pre.headers["access-control-allow-origin"] == "https://app.example"
    assert "authorization" in pre.headers["access-control-allow-headers"]
    assert "POST" in pre.headers["access-control-allow-methods"]
    r = httpx.post(second_server + "/v1/chat/completions", json={"model": "openai/gpt-4o", "messages": HI},
                   headers={"origin": "https://app.example", "authorization": "Bearer " + account.test_key})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "https://app.example"
    exposed = r.headers["access-control-expose-headers"]
    for h in ("x-request-id", "x-layers-overhead-ms", "x-ratelimit-remaining"):
        assert h in exposed, h
    denied = httpx.options(second_server + "/v1/chat/completions", headers={
        "origin": "https://evil.example", "access-control-request-method": "POST"})
    assert denied.status_code == 403 and "access-control-allow-origin" not in denied.headers
    other = httpx.get(second_server + "/v1/models", headers={"origin": "https://evil.example"})
    assert other.status_code == 200 and "access-control-allow-origin" not in other.headers


def test_request_id_and_overhead_on_every_answer(server, account):
    checks = [
        ("GET", "/health", None, None, 200),
        ("GET", "/v1/models", None, None, 200),
        ("GET", "/v1/models/openai/gpt-4o", None, None, 200),
        ("GET", "/api/v1/chat", None, None, 200),
        ("GET", "/nowhere", None, None, 404),
        ("POST", "/v1/chat/completions", {"model": "openai/gpt-4o", "messages": HI}, None, 401),
        ("POST", "/v1/chat/completions", {"model": "openai/gpt-4o", "messages": HI}, account.test_key, 200),
        ("POST", "/v1/chat/completions", {"model": "nope/nope", "messages": HI}, account.test_key, 404),
        ("GET", "/api/usage", None, account.live_key, 200),
        ("GET", "/admin/users", None, None, 403),
    ]
    for method, path, body, key, status in checks:
        headers = {"authorization": "Bearer " + key} if key else {}
        r = httpx.request(method, server + path, json=body, headers=headers)
        assert r.status_code == status, (path, r.text)
        assert r.headers.get("x-request-id"), path
        assert float(r.headers["x-layers-overhead-ms"]) >= 0, path
        assert "x-ratelimit-limit" in r.headers, path
        if status >= 400:
            assert r.json()["error"].get("request_id", r.headers["x-request-id"]) == r.headers["x-request-id"]
    # A client's own request id is echoed, and its usage row is billed under it plus the server's own id.
    rid = "client-" + uuid.uuid4().hex
    r = httpx.post(server + "/v1/chat/completions", json={"model": "openai/gpt-4o", "messages": HI},
                   headers={"authorization": "Bearer " + account.live_key, "x-request-id": rid})
    assert r.status_code == 200 and r.headers["x-request-id"] == rid
    assert loads(r.text)["layers"]["request_id"] == rid
    assert account.usage()["recent_logs"][0]["request_id"].startswith(rid + "~")


def test_a_reused_client_request_id_is_billed_every_time(make_account):
    """Clients choose x-request-id; sending the same one twice must not make the second request a free replay."""
    account = make_account(credits="100")
    rid = "reused-" + uuid.uuid4().hex
    before = Decimal(str(account.balance()["credits"]))
    charged = []
    for _ in range(3):
        r = httpx.post(account.server + "/v1/chat/completions", json={"model": "openai/gpt-4o", "messages": HI},
                       headers={"authorization": "Bearer " + account.live_key, "x-request-id": rid})
        assert r.status_code == 200 and r.headers["x-request-id"] == rid
        charged.append(Decimal(str(loads(r.text)["layers"]["credits_charged"])))
    assert all(c > 0 for c in charged)
    after = Decimal(str(account.balance()["credits"]))
    assert before - after == sum(charged), "each of the three requests is charged"
    rows = [row for row in account.usage()["recent_logs"] if row["request_id"].startswith(rid + "~")]
    assert len(rows) == 3 and len({row["request_id"] for row in rows}) == 3, "one usage row each"


def test_admin_api_is_off_without_a_token(database_url, fakes):
    proc, base = start_server(database_url, fakes, LAYERS_ADMIN_TOKEN="")
    try:
        r = httpx.get(base + "/admin/users", headers={"authorization": "Bearer " + ADMIN_TOKEN})
        assert r.status_code == 404 and r.json()["error"]["code"] == "admin_disabled"
    finally:
        proc.stop()
