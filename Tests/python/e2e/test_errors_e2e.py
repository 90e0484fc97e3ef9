"""Every error of the pipeline surfaces as the openai SDK's matching exception class, with a clear message,
and costs nothing."""
from decimal import Decimal

import httpx
import openai
import pytest

from support.e2e import loads, wait_until

HI = [{"role": "user", "content": "hi"}]


def test_authentication_errors_say_which(account, server):
    cases = {
        "lyr_live_tooshort": "invalid_api_key_format",
        "sk-someone-elses-key-123456": "invalid_api_key_format",
        "lyr_live_" + "A" * 43: "invalid_api_key",
    }
    for key, code in cases.items():
        client = openai.OpenAI(base_url=server + "/v1", api_key=key, max_retries=0)
        with pytest.raises(openai.AuthenticationError) as e:
            client.chat.completions.create(model="openai/gpt-4o", messages=HI)
        assert e.value.status_code == 401
        assert e.value.body["code"] == code
        assert key not in str(e.value.body)
    r = httpx.post(server + "/v1/chat/completions", json={"model": "openai/gpt-4o", "messages": HI})
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "missing_api_key"
    assert "Authorization" in r.json()["error"]["message"]
    r = httpx.post(server + "/v1/chat/completions", headers={"authorization": "Bearer sk-abc"},
                   json={"model": "openai/gpt-4o", "messages": HI})
    assert "lyr_live_" in r.json()["error"]["message"]
    # Anthropic-style header works too.
    r = httpx.post(server + "/v1/chat/completions", headers={"x-api-key": account.test_key},
                   json={"model": "openai/gpt-4o", "messages": HI})
    assert r.status_code == 200


def test_revoked_and_expired_keys(account):
    with account.http() as c:
        created = c.post("/api/keys", json={"name": "temp", "mode": "live"}).json()
        assert c.delete("/api/keys/" + created["id"]).status_code == 200
    with pytest.raises(openai.AuthenticationError) as e:
        account.client(created["key"]).chat.completions.create(model="openai/gpt-4o", messages=HI)
    assert e.value.body["code"] == "revoked_api_key"


def test_unknown_model_is_not_found_with_suggestions(account):
    with pytest.raises(openai.NotFoundError) as e:
        account.client().chat.completions.create(model="anthropic/claude-sonet-4.5", messages=HI)
    assert e.value.body["code"] == "model_not_found"
    assert "anthropic/claude-sonnet-4.5" in e.value.body["suggestions"]
    assert "/v1/models" in e.value.body["message"]


def test_validation_errors_name_the_field(account):
    client = account.client()
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model="openai/gpt-4o", messages=[])
    assert e.value.body["param"] == "messages" and "empty" in e.value.body["message"]
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model="openai/gpt-4o", messages=[{"role": "user", "content": "x"}] * 101)
    assert e.value.body["code"] == "too_many_messages"
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model="openai/gpt-4o", messages=[{"role": "user", "content": "x" * 100_001}])
    assert e.value.body["code"] == "message_too_long"
    with account.http() as c:
        r = c.post("/v1/chat/completions", json={"messages": HI})
        assert r.status_code == 400 and r.json()["error"]["message"] == "Model is required"
        r = c.post("/v1/chat/completions", json={"model": "openai/gpt-4o"})
        assert r.status_code == 400 and "Messages" in r.json()["error"]["message"]
        r = c.post("/v1/chat/completions", content=b"{not json")
        assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_json"


def test_request_over_the_cap_is_400(account):
    with pytest.raises(openai.BadRequestError) as e:
        account.client().chat.completions.create(model="anthropic/claude-opus-4.5", messages=HI, max_tokens=2_000_000)
    assert e.value.body["code"] == "request_cost_limit_exceeded"
    assert Decimal(str(e.value.body["max_credits"])) == 100


def test_insufficient_credits_is_402_with_balance_and_required(make_account):
    poor = make_account(credits="0.01")
    with pytest.raises(openai.APIStatusError) as e:
        poor.client().chat.completions.create(model="anthropic/claude-sonnet-4.5", messages=HI, max_tokens=1000)
    assert e.value.status_code == 402
    assert e.value.body["code"] == "insufficient_credits"
    assert Decimal(str(e.value.body["balance"])) == Decimal("0.01")
    assert Decimal(str(e.value.body["required"])) > Decimal("0.01")
    assert Decimal(str(poor.balance()["credits"])) == Decimal("0.01")


def test_rate_limit_is_429_with_retry_after(make_account):
    free = make_account(tier="free")
    client = free.client()
    statuses = []
    for _ in range(10):
        statuses.append(client.chat.completions.with_raw_response.create(model="openai/gpt-4o", messages=HI)
                        .http_response.status_code)
    assert statuses == [200] * 10
    with pytest.raises(openai.RateLimitError) as e:
        client.chat.completions.create(model="openai/gpt-4o", messages=HI)
    headers = e.value.response.headers
    assert int(headers["retry-after"]) >= 1
    assert headers["x-ratelimit-limit"] == "10" and headers["x-ratelimit-remaining"] == "0"
    assert e.value.body["code"] == "rate_limit_exceeded"


def test_provider_without_key_is_503(account):
    with pytest.raises(openai.InternalServerError) as e:
        account.client().chat.completions.create(model="morph/morph-v3-fast", messages=HI)
    assert e.value.status_code == 503
    assert e.value.body["code"] == "provider_not_configured"
    assert e.value.body["provider"] == "morph"


def test_our_upstream_credentials_refused_is_5xx_naming_the_provider(account):
    with pytest.raises(openai.InternalServerError) as e:
        account.client().chat.completions.create(model="perplexity/sonar", messages=HI)
    assert e.value.status_code == 502
    assert "perplexity" in e.value.body["message"]
    assert "bad-perplexity-key" not in str(e.value.body)
    assert Decimal(str(account.balance()["credits"])) == 100


@pytest.mark.parametrize("scenario,exc,status,code", [
    ("error_429", openai.RateLimitError, 429, "provider_rate_limited"),
    ("error_529", openai.InternalServerError, 503, "provider_overloaded"),
    ("error_500", openai.InternalServerError, 502, "provider_error"),
    ("error_400", openai.BadRequestError, 400, "provider_invalid_request"),
])
def test_provider_errors_map_to_sdk_exceptions(account, scenario, exc, status, code):
    with pytest.raises(exc) as e:
        account.client().chat.completions.create(
            model="anthropic/claude-sonnet-4.5",
            messages=[{"role": "user", "content": "hi [[scenario:%s]]" % scenario}])
    assert e.value.status_code == status
    assert e.value.body["code"] == code
    assert "anthropic" in e.value.body["message"]
    if status == 429:
        assert e.value.response.headers.get("retry-after") == "7"
    balance = account.balance()
    assert Decimal(str(balance["credits"])) == 100 and Decimal(str(balance["reserved"])) == 0
    row = account.usage()["recent_logs"][0]
    assert row["status"] == status and Decimal(str(row["credits_charged"])) == 0


def test_midstream_provider_error_reaches_the_sdk(account):
    stream = account.client().chat.completions.create(
        model="openai/gpt-4o", stream=True,
        messages=[{"role": "user", "content": "hi [[scenario:midstream_error]]"}])
    with pytest.raises(openai.APIError):
        for _ in stream:
            pass
    row = wait_until(lambda: (account.usage()["recent_logs"] or [None])[0])
    assert row["status"] >= 500
    assert Decimal(str(account.balance()["reserved"])) == 0


def test_stream_cut_by_the_client_is_settled_once_for_what_was_used(account):
    with account.http() as c:
        with c.stream("POST", "/v1/chat/completions", json={
                "model": "anthropic/claude-sonnet-4.5", "stream": True,
                "messages": [{"role": "user", "content": "long answer [[scenario:slow:300]]"}]}) as r:
            assert r.status_code == 200
            for line in r.iter_lines():
                if line.startswith("data: ") and '"content"' in line:
                    break  # leave after the first content: the connection closes here
    row = wait_until(lambda: (account.usage()["recent_logs"] or [None])[0], timeout=15)
    assert row is not None
    assert row["status"] == 499 and row["error_code"] == "client_closed_request"
    assert row["completion_tokens"] >= 0
    balance = wait_until(lambda: (lambda b: b if Decimal(str(b["reserved"])) == 0 else None)(account.balance()))
    assert Decimal(str(balance["credits"])) == Decimal(100) - Decimal(str(row["credits_charged"]))
    assert account.usage()["total_requests"] == 1


@pytest.mark.parametrize("model", ["openai/gpt-4o", "anthropic/claude-sonnet-4.5", "google/gemini-2.5-flash"])
def test_stream_cut_by_the_provider_is_settled_once_for_what_was_used(account, model):
    """The provider closes the connection mid-stream without its final event: the client gets an error event, the
    request is billed for what was produced (never the whole estimate) and the hold is released."""
    stream = account.client().chat.completions.create(
        model=model, stream=True, messages=[{"role": "user", "content": "hi [[scenario:cut]]"}])
    received = ""
    with pytest.raises(openai.APIError):
        for chunk in stream:
            if chunk.choices:
                received += chunk.choices[0].delta.content or ""
    row = wait_until(lambda: (account.usage()["recent_logs"] or [None])[0])
    assert row["status"] >= 500 and row["error_code"]
    assert row["stream"] is True
    balance = wait_until(lambda: (lambda b: b if Decimal(str(b["reserved"])) == 0 else None)(account.balance()))
    charged = Decimal(str(row["credits_charged"]))
    assert Decimal(str(balance["credits"])) == Decimal(100) - charged
    assert account.usage()["total_requests"] == 1
