"""Chat completions end to end: the openai SDK -> layers-server -> provider adapters -> fake providers, with
real PostgreSQL billing. Credits are checked exactly against the LayersCredits formula."""
import json
from decimal import Decimal

import httpx
import pydantic
import pytest

from support.e2e import expected_credits, fake_requests, loads

PNG_RED_1PX = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAA"
               "AABJRU5ErkJggg==")


def raw_chat(account, body, key=None):
    with account.http(key) as c:
        r = c.post("/v1/chat/completions", json=body)
    return r, loads(r.text)


@pytest.mark.parametrize("model", ["openai/gpt-4o", "anthropic/claude-sonnet-4.5", "google/gemini-2.5-flash"])
def test_plain_completion_is_billed_exactly(account, server, model):
    client = account.client()
    resp = client.chat.completions.create(model=model, messages=[{"role": "user", "content": "Say hello"}])
    assert resp.object == "chat.completion"
    assert resp.model == model
    assert resp.choices[0].index == 0
    assert resp.choices[0].message.role == "assistant"
    assert resp.choices[0].finish_reason == "stop"
    assert "Hello from the fake provider" in resp.choices[0].message.content
    assert resp.usage.prompt_tokens > 0 and resp.usage.completion_tokens > 0
    # Exact amounts from the raw body (the SDK would give floats).
    raw = loads(resp.to_json())
    layers = raw["layers"]
    want = expected_credits(server, model, raw["usage"])
    assert Decimal(str(layers["credits_used"])) == want
    assert Decimal(str(layers["credits_charged"])) == want
    assert layers["latency_ms"] > 0
    assert set(layers["cost_breakdown"]) >= {"base_cost_usd", "margin_percent", "total_cost_usd",
                                             "credits_before_margin", "margin_credits"}
    balance = account.balance()
    assert Decimal(str(balance["credits"])) == Decimal(100) - want
    assert Decimal(str(balance["reserved"])) == 0
    usage = account.usage()
    assert usage["total_requests"] == 1
    row = usage["recent_logs"][0]
    assert row["model"] == model and row["status"] == 200 and row["test"] is False
    assert Decimal(str(row["credits_charged"])) == want
    assert row["prompt_tokens"] == resp.usage.prompt_tokens
    assert row["completion_tokens"] == resp.usage.completion_tokens
    assert row["project"] == "e2e"


def test_exact_credits_match_the_documented_example(account, server):
    """3.36 credits for 2,000 in + 1,000 out on claude-sonnet-4.5 (the brief's check), via the formula helper."""
    usage = {"prompt_tokens": 2000, "completion_tokens": 1000}
    assert expected_credits(server, "anthropic/claude-sonnet-4.5", usage) == Decimal("3.36")


@pytest.mark.parametrize("model", ["openai/gpt-4o", "anthropic/claude-sonnet-4.5", "google/gemini-2.5-flash"])
def test_stream_is_billed_from_final_usage(account, server, model):
    client = account.client()
    stream = client.chat.completions.create(model=model, stream=True, stream_options={"include_usage": True},
                                            messages=[{"role": "user", "content": "Say hello"}])
    text, final = "", None
    for chunk in stream:
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
        if chunk.usage:
            final = chunk
    assert "Hello from the fake provider" in text
    assert final is not None
    raw = loads(final.to_json())
    want = expected_credits(server, model, raw["usage"])
    assert Decimal(str(raw["layers"]["credits_used"])) == want
    assert Decimal(str(account.balance()["credits"])) == Decimal(100) - want
    row = account.usage()["recent_logs"][0]
    assert row["stream"] is True and Decimal(str(row["credits_charged"])) == want


def test_compact_provider_chunks_are_relayed_with_the_gateway_model(account):
    """Compact upstream JSON takes the byte-splicing path (only `model` changes); spaced JSON is re-serialised.
    Both must reach the client as the same valid chunks, with the gateway's model id."""
    def events(marker):
        with account.http() as c:
            with c.stream("POST", "/v1/chat/completions", json={
                    "model": "openai/gpt-4o", "stream": True, "stream_options": {"include_usage": True},
                    "messages": [{"role": "user", "content": "Say hello " + marker}]}) as r:
                assert r.status_code == 200
                body = r.read().decode()
        datas = [line[6:] for line in body.split("\n") if line.startswith("data: ")]
        assert datas[-1] == "[DONE]"
        return [json.loads(d) for d in datas[:-1]]
    compact, spaced = events("[[scenario:compact]]"), events("")
    assert len(compact) == len(spaced) > 2
    for a, b in zip(compact, spaced):
        assert a["model"] == b["model"] == "openai/gpt-4o"
        assert a["object"] == "chat.completion.chunk"
        assert [ch.get("delta") for ch in a["choices"]] == [ch.get("delta") for ch in b["choices"]]
    text = "".join(ch["delta"].get("content") or "" for e in compact for ch in e["choices"])
    assert "Hello from the fake provider" in text
    assert compact[-1]["layers"]["credits_charged"] > 0


def test_stream_wire_format(account):
    with account.http() as c:
        with c.stream("POST", "/api/v1/chat", json={"model": "openai/gpt-4o", "stream": True,
                                                    "messages": [{"role": "user", "content": "hi"}]}) as r:
            assert r.status_code == 200
            assert r.headers["content-type"].startswith("text/event-stream")
            body = r.read().decode()
    assert "data: " in body and "data: [DONE]" in body


@pytest.mark.parametrize("model", ["anthropic/claude-sonnet-4.5", "google/gemini-2.5-flash", "openai/gpt-4o"])
def test_tools_round_trip(account, model):
    client = account.client()
    tools = [{"type": "function", "function": {
        "name": "calculate", "description": "Evaluate arithmetic",
        "parameters": {"type": "object", "properties": {"expression": {"type": "string"}},
                       "required": ["expression"]}}}]
    messages = [{"role": "user", "content": "What is 6*7? [[scenario:tool_call]]"}]
    first = client.chat.completions.create(model=model, messages=messages, tools=tools, tool_choice="auto")
    assert first.choices[0].finish_reason == "tool_calls"
    call = first.choices[0].message.tool_calls[0]
    assert call.function.name == "calculate"
    assert isinstance(json.loads(call.function.arguments).get("expression"), str)
    # Second turn without the scenario marker, so the fake answers the tool result with text.
    messages = [{"role": "user", "content": "What is 6*7?"}, first.choices[0].message.model_dump(exclude_none=True),
                {"role": "tool", "tool_call_id": call.id, "content": "42"}]
    second = client.chat.completions.create(model=model, messages=messages, tools=tools)
    assert second.choices[0].finish_reason == "stop"
    assert second.choices[0].message.content


class Event(pydantic.BaseModel):
    name: str
    date: str
    participants: list[str]


@pytest.mark.parametrize("model", ["openai/gpt-4o", "anthropic/claude-sonnet-4.5", "google/gemini-2.5-flash"])
def test_json_schema_parse(account, model):
    client = account.client()
    parse = getattr(client.chat.completions, "parse", None) or client.beta.chat.completions.parse
    resp = parse(model=model, response_format=Event,
                 messages=[{"role": "user", "content": "Alice and Bob go to the fair on Friday."}])
    event = resp.choices[0].message.parsed
    assert isinstance(event, Event)
    assert isinstance(event.participants, list)


def test_json_object(account):
    client = account.client()
    resp = client.chat.completions.create(model="anthropic/claude-sonnet-4.5", response_format={"type": "json_object"},
                                          messages=[{"role": "user", "content": "Reply in JSON"}])
    json.loads(resp.choices[0].message.content)


@pytest.mark.parametrize("model", ["anthropic/claude-sonnet-4.5", "google/gemini-2.5-flash", "openai/gpt-4o"])
def test_vision(account, fakes, model):
    client = account.client()
    resp = client.chat.completions.create(model=model, messages=[{"role": "user", "content": [
        {"type": "text", "text": "What colour is this pixel?"},
        {"type": "image_url", "image_url": {"url": PNG_RED_1PX}}]}])
    assert resp.choices[0].message.content


def test_reasoning_through_anthropic(account, server):
    client = account.client()
    resp = client.chat.completions.create(model="anthropic/claude-sonnet-4.5", reasoning_effort="low",
                                          max_completion_tokens=4000,
                                          messages=[{"role": "user", "content": "Think: what is 6*7?"}])
    raw = loads(resp.to_json())
    assert raw["usage"]["completion_tokens_details"]["reasoning_tokens"] > 0 or raw["choices"][0]["message"].get(
        "reasoning_content")
    assert Decimal(str(raw["layers"]["credits_used"])) == expected_credits(server, "anthropic/claude-sonnet-4.5",
                                                                           raw["usage"])


def test_metadata_is_stored_for_attribution(account):
    r, body = raw_chat(account, {"model": "openai/gpt-4o", "messages": [{"role": "user", "content": "hi"}],
                                 "metadata": {"project": "checkout", "pattern": "summarise"}})
    assert r.status_code == 200, r.text
    usage = account.usage()
    assert usage["recent_logs"][0]["project"] == "checkout"
    assert usage["recent_logs"][0]["metadata"]["pattern"] == "summarise"
    assert usage["by_project"][0]["project"] == "checkout"


def test_headers_on_every_response(account):
    r, body = raw_chat(account, {"model": "openai/gpt-4o", "messages": [{"role": "user", "content": "hi"}]})
    for h in ("x-request-id", "x-layers-overhead-ms", "x-ratelimit-limit", "x-ratelimit-remaining",
              "x-ratelimit-reset"):
        assert h in r.headers, h
    assert float(r.headers["x-layers-overhead-ms"]) >= 0
    r2, _ = raw_chat(account, {"model": "openai/gpt-4o"})
    assert r2.status_code == 400
    for h in ("x-request-id", "x-layers-overhead-ms", "x-ratelimit-limit"):
        assert h in r2.headers, h


def test_sandbox_key_never_reaches_a_provider_and_charges_nothing(account, fakes):
    before = len(fake_requests(fakes))
    client = account.client(account.test_key)
    resp = client.chat.completions.create(model="anthropic/claude-opus-4.5",
                                          messages=[{"role": "user", "content": "Hello sandbox"}])
    assert "Hello sandbox" in resp.choices[0].message.content
    raw = loads(resp.to_json())
    assert raw["layers"]["test"] is True
    assert Decimal(str(raw["layers"]["credits_charged"])) == 0
    assert Decimal(str(raw["layers"]["credits_used"])) > 0
    # Streaming, tools and JSON schema in the sandbox too.
    chunks = list(client.chat.completions.create(model="morph/morph-v3-fast", stream=True,
                                                 messages=[{"role": "user", "content": "stream please"}]))
    assert any(c.choices and c.choices[0].finish_reason == "stop" for c in chunks)
    tools = [{"type": "function", "function": {"name": "lookup", "parameters": {
        "type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer", "minimum": 1}},
        "required": ["city", "days"]}}}]
    tool_resp = client.chat.completions.create(model="openai/gpt-4o", tools=tools,
                                               messages=[{"role": "user", "content": "Weather?"}])
    args = json.loads(tool_resp.choices[0].message.tool_calls[0].function.arguments)
    assert isinstance(args["city"], str) and args["days"] >= 1
    parse = getattr(client.chat.completions, "parse", None) or client.beta.chat.completions.parse
    parsed = parse(model="google/gemini-2.5-pro", response_format=Event,
                   messages=[{"role": "user", "content": "extract"}]).choices[0].message.parsed
    assert isinstance(parsed, Event)
    assert len(fake_requests(fakes)) == before
    assert Decimal(str(account.balance()["credits"])) == Decimal(100)
    usage = account.usage(include_test="true")
    assert usage["total_requests"] == 4
    assert all(row["test"] for row in usage["recent_logs"])


@pytest.mark.parametrize("model", ["openai/gpt-4o", "anthropic/claude-sonnet-4.5", "google/gemini-2.5-flash"])
def test_cached_prompt_tokens_are_reported_and_billed_at_the_cached_price(account, server, model):
    r, body = raw_chat(account, {"model": model, "cache": True,
                                 "messages": [{"role": "user", "content": "long context [[scenario:cache]]"}]})
    assert r.status_code == 200, r.text
    usage = body["usage"]
    cached = usage["prompt_tokens_details"]["cached_tokens"]
    assert cached == 100, usage
    assert usage["prompt_tokens"] >= cached
    want = expected_credits(server, model, usage)
    assert Decimal(str(body["layers"]["credits_used"])) == want
    # Cheaper than the same prompt uncached.
    uncached = dict(usage, prompt_tokens_details={"cached_tokens": 0})
    uncached.pop("prompt_tokens_details", None)
    assert want < expected_credits(server, model, dict(uncached, prompt_tokens=usage["prompt_tokens"]))
    row = account.usage()["recent_logs"][0]
    assert row["cached_tokens"] == 100 and Decimal(str(row["credits_charged"])) == want
