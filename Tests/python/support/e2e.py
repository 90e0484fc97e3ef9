"""What the end-to-end tests share beyond the processes: a fresh user per test (`Account`), exact decimals,
the credits LayersCredits computes, the fakes' request logs, and polling for asynchronous outcomes."""
import json
import time
import uuid
from decimal import ROUND_HALF_UP, Decimal

import httpx
import openai

from .servers import ADMIN_TOKEN  # noqa: F401  (e2e.ADMIN_TOKEN: the tests administer their accounts with it)


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
