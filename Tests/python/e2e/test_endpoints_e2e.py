"""The non-chat endpoints and the original Layers' integration checks that still apply."""
import re
from decimal import Decimal

import httpx
import openai

from support.e2e import ADMIN_TOKEN, loads


def test_health_reports_the_database(server):
    r = httpx.get(server + "/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["database"]["status"] == "ok"
    assert body["database"]["storage"] == "postgresql"
    assert "x-ratelimit-limit" in r.headers


def test_chat_info_document(server):
    r = httpx.get(server + "/api/v1/chat")
    assert r.status_code == 200
    assert re.match(r"^v\d", r.json()["version"])


def test_models_list_and_get_with_the_sdk(account):
    client = account.client()
    models = list(client.models.list())
    ids = {m.id for m in models}
    assert {"anthropic/claude-sonnet-4.5", "openai/gpt-4o", "google/gemini-2.5-flash"} <= ids
    one = client.models.retrieve("anthropic/claude-sonnet-4.5")
    assert one.id == "anthropic/claude-sonnet-4.5" and one.owned_by == "anthropic"
    raw = one.model_extra
    assert "tools" in raw["capabilities"] and raw["context_window"] == 200000
    assert Decimal(str(raw["pricing"]["input"])) == 3 and Decimal(str(raw["pricing"]["output"])) == 15
    # The original's registry queries still hold over the list (web: the three Sonar models are among them).
    web = [m for m in models if "web" in (m.model_extra.get("capabilities") or [])]
    assert {"perplexity/sonar", "perplexity/sonar-pro", "perplexity/sonar-reasoning-pro"} <= {m.id for m in web}
    with __import__("pytest").raises(openai.NotFoundError):
        client.models.retrieve("openai/gpt-99")


def test_keys_lifecycle(account):
    with account.http() as c:
        r = c.post("/api/keys", json={"name": "ci", "project": "pipeline", "mode": "test"})
        assert r.status_code == 201
        created = r.json()
        assert created["key"].startswith("lyr_test_") and created["project"] == "pipeline"
        listed = c.get("/api/keys").json()["keys"]
        assert created["id"] in {k["id"] for k in listed}
        assert created["key"] not in str(listed)
        assert all("key" not in k for k in listed)
        assert c.delete("/api/keys/" + created["id"]).status_code == 200
        assert c.delete("/api/keys/00000000-0000-4000-8000-000000000000").status_code == 404
    r = httpx.get(account.server + "/api/balance", headers={"authorization": "Bearer " + created["key"]})
    assert r.status_code == 401 and r.json()["error"]["code"] == "revoked_api_key"


def test_balance_and_usage_shapes(account):
    account.client().chat.completions.create(model="openai/gpt-4o", messages=[{"role": "user", "content": "hi"}])
    b = account.balance()
    assert b["tier"] == "pro" and Decimal(str(b["credits"])) < 100
    assert b["rate_limit"]["requests_per_minute"] == 300
    u = account.usage(days=7)
    for k in ("total_requests", "total_credits_used", "this_month_requests", "this_month_credits", "by_day",
              "by_model", "by_provider", "by_key", "by_project", "recent_logs"):
        assert k in u, k
    assert u["by_provider"][0]["provider"] == "openai"
    assert u["by_model"][0]["model"] == "openai/gpt-4o"
    with account.http() as c:
        assert c.get("/api/usage", params={"from": "2099-01-01"}).status_code == 400


def test_admin_endpoints(server, account):
    headers = {"authorization": "Bearer " + ADMIN_TOKEN}
    assert httpx.get(server + "/admin/users").status_code == 403
    assert httpx.get(server + "/admin/users", headers={"authorization": "Bearer " + "x" * 26}).status_code == 403
    uid = account.user_id
    r = httpx.post(server + "/admin/users/%s/credits" % uid, headers=headers,
                   json={"amount": "5.5", "reference": "e2e-topup-" + uid})
    assert Decimal(str(loads(r.text)["account"]["credits"])) == Decimal("105.5")
    r = httpx.post(server + "/admin/users/%s/credits" % uid, headers=headers,
                   json={"amount": "5.5", "reference": "e2e-topup-" + uid})
    assert r.json()["applied"] is False
    assert httpx.post(server + "/admin/users/%s/tier" % uid, headers=headers, json={"tier": "team"}).status_code == 200
    assert account.balance()["rate_limit"]["requests_per_minute"] == 1000
    assert httpx.post(server + "/admin/users/%s/margin" % uid, headers=headers,
                      json={"margin_percent": 0}).status_code == 200
    resp = account.client().chat.completions.create(model="openai/gpt-4o", messages=[{"role": "user", "content": "hi"}])
    raw = loads(resp.to_json())
    assert Decimal(str(raw["layers"]["cost_breakdown"]["margin_percent"])) == 0
    assert Decimal(str(raw["layers"]["credits_used"])) == Decimal(str(raw["layers"]["cost_breakdown"]["credits_before_margin"]))
    r = httpx.get(server + "/admin/usage", headers=headers, params={"user": uid})
    assert r.json()["total_requests"] == 1


# The original Layers' per-capability integration checks (layers-original.md section 6) that still apply.
ORIGINAL_CAPABILITY_CASES = [
    ("text", "openai/gpt-4o", {}),
    ("json", "anthropic/claude-haiku-4.5", {"response_format": {"type": "json_object"}}),
    ("cache", "anthropic/claude-sonnet-4.5", {"cache": True}),
    ("cache", "openai/gpt-4o", {"cache": True}),
    ("thinking", "anthropic/claude-sonnet-4.5", {"thinking": {"type": "enabled", "budget_tokens": 1024},
                                                 "max_tokens": 2048}),
]


def test_original_capability_checks(account):
    for capability, model, extra in ORIGINAL_CAPABILITY_CASES:
        body = {"model": model, "messages": [{"role": "user", "content": "What is 6*7?"}], **extra}
        with account.http() as c:
            r = c.post("/api/v1/chat", json=body)
        assert r.status_code == 200, (capability, model, r.text)
        data = r.json()
        assert data["object"] == "chat.completion"
        assert data["choices"][0]["index"] == 0 and data["choices"][0]["message"]["role"] == "assistant"
        assert isinstance(data["layers"]["credits_used"], (int, float)) and data["layers"]["latency_ms"] > 0
        assert all(isinstance(data["usage"][k], int) for k in ("prompt_tokens", "completion_tokens", "total_tokens"))
        if capability == "json":
            __import__("json").loads(data["choices"][0]["message"]["content"])
        if capability == "thinking":
            assert data["usage"]["completion_tokens_details"]["reasoning_tokens"] > 0


def test_original_web_check_in_the_sandbox(account):
    """`web` models (Perplexity) answer with content longer than 10 characters (sandbox: no provider key needed)."""
    resp = account.client(account.test_key).chat.completions.create(
        model="perplexity/sonar", messages=[{"role": "user", "content": "Latest news?"}])
    assert len(resp.choices[0].message.content) > 10
