"""Per-key monthly budgets end to end: the real server and PostgreSQL, the fake providers, the official openai SDK.

A key with a budget is served while its spend this month plus the request's estimate fits, then refused with 402
`key_budget_exceeded` (openai.APIStatusError); the user's other keys are unaffected; raising the budget lets the
key through again. Budgets are set on creation (API and CLI), by the owner and by the admin, and shown in listings.
"""
from decimal import Decimal

import openai
import pytest

from support.e2e import loads
from support.servers import run_cli

HI = [{"role": "user", "content": "Hello there"}]
MODEL = "openai/gpt-4o"


def create_key(account, **body):
    with account.http() as c:
        r = c.post("/api/keys", json=body)
        assert r.status_code == 201, r.text
        created = loads(r.text)
        return created["id"], created["key"], created


def listed_key(account, key_id):
    with account.http() as c:
        r = c.get("/api/keys")
        assert r.status_code == 200, r.text
        return next(k for k in loads(r.text)["keys"] if k["id"] == key_id)


def ask(client):
    reply = client.chat.completions.create(model=MODEL, messages=HI, max_tokens=10)
    return Decimal(str(reply.model_extra["layers"]["credits_charged"]))


def test_budget_stops_the_key_at_its_budget_and_raising_it_lets_it_through(make_account):
    account = make_account(credits="100")
    key_id, key, created = create_key(account, name="capped", monthly_budget="0.1")
    assert created["monthly_budget"] == Decimal("0.1")
    capped = account.client(key)

    charged = []
    with pytest.raises(openai.APIStatusError) as refused:
        for _ in range(20):
            charged.append(ask(capped))
    spent_so_far = sum(charged, Decimal(0))
    assert len(charged) >= 2, "a budget of several requests serves several requests"
    assert all(c > 0 for c in charged)
    assert spent_so_far <= Decimal("0.1")

    error = refused.value
    assert error.status_code == 402
    assert error.body["code"] == "key_budget_exceeded"
    assert error.body["type"] == "insufficient_quota"
    assert Decimal(str(error.body["budget"])) == Decimal("0.1")
    spent, required = Decimal(str(error.body["spent"])), Decimal(str(error.body["required"]))
    assert spent >= spent_so_far
    assert spent + required > Decimal("0.1")
    assert key not in str(error.body) and key not in error.response.text, "the key is never echoed"
    assert "budget" in error.message

    # Another key of the same user is unaffected; the refusal held and charged nothing.
    assert ask(account.client()) > 0
    balance = account.balance()
    assert Decimal(str(balance["reserved"])) == 0

    # The listing shows the budget and exactly what the key was charged this month.
    shown = listed_key(account, key_id)
    assert shown["monthly_budget"] == Decimal("0.1")
    assert shown["month_spent"] == spent_so_far
    assert shown["budget_remaining"] == Decimal("0.1") - spent_so_far

    # The owner raises the budget: the key is served again.
    with account.http() as c:
        r = c.post("/api/keys/%s/budget" % key_id, json={"monthly_budget": "1"})
        assert r.status_code == 200, r.text
        assert loads(r.text)["key"]["monthly_budget"] == Decimal("1")
    spent_so_far += ask(capped)
    assert listed_key(account, key_id)["month_spent"] == spent_so_far

    rows = account.usage(days=1)["recent_logs"]
    assert any(r["error_code"] == "key_budget_exceeded" and r["status"] == 402 and r["credits_charged"] == 0
               for r in rows)


def test_admin_sets_and_clears_any_keys_budget(make_account, admin):
    account = make_account(credits="100")
    key_id, key, _ = create_key(account, name="ci")
    client = account.client(key)
    ask(client)

    r = admin.post("/admin/keys/%s/budget" % key_id, json={"monthly_budget": 0})
    assert r.status_code == 200, r.text
    assert loads(r.text)["key"]["monthly_budget"] == 0
    with pytest.raises(openai.APIStatusError) as refused:
        ask(client)
    assert refused.value.status_code == 402
    assert refused.value.body["code"] == "key_budget_exceeded"
    assert Decimal(str(refused.value.body["budget"])) == 0

    keys = loads(admin.get("/admin/users/%s/keys" % account.user_id).text)["keys"]
    shown = next(k for k in keys if k["id"] == key_id)
    assert shown["monthly_budget"] == 0 and shown["month_spent"] > 0

    r = admin.post("/admin/keys/%s/budget" % key_id, json={"monthly_budget": None})
    assert r.status_code == 200, r.text
    assert loads(r.text)["key"]["monthly_budget"] is None
    assert ask(client) > 0

    # The owner cannot touch another user's key.
    other = make_account(credits="1")
    with other.http() as c:
        r = c.post("/api/keys/%s/budget" % key_id, json={"monthly_budget": "100"})
        assert r.status_code == 404 and r.json()["error"]["code"] == "key_not_found"
    with account.http() as c:
        r = c.post("/api/keys/%s/budget" % key_id, json={"monthly_budget": "-3"})
        assert r.status_code == 400 and r.json()["error"]["param"] == "monthly_budget"


def test_sandbox_keys_do_not_consume_a_budget(make_account):
    account = make_account(credits="0")
    _, key, _ = create_key(account, name="sandbox", mode="test", monthly_budget="0")
    client = account.client(key)
    for _ in range(3):
        reply = client.chat.completions.create(model=MODEL, messages=HI, max_tokens=10)
        assert reply.model_extra["layers"]["credits_charged"] == 0


def test_cli_create_key_takes_a_budget(database_url, make_account):
    account = make_account(credits="1")
    r = run_cli(database_url, "create-key", "--user", account.user_id, "--name", "cli budget",
                "--monthly-budget", "2.5")
    assert r.returncode == 0, r.stderr
    key = r.stdout.strip()
    assert key.startswith("lyr_live_")
    with account.http() as c:
        keys = loads(c.get("/api/keys").text)["keys"]
    assert next(k for k in keys if k["name"] == "cli budget")["monthly_budget"] == Decimal("2.5")
    bad = run_cli(database_url, "create-key", "--user", account.user_id, "--monthly-budget", "lots")
    assert bad.returncode == 1 and "--monthly-budget" in bad.stderr
