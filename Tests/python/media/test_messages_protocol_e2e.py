"""/v1/messages wire protocol end to end: the exact grammar of the event stream (for an Anthropic model passed
through and for OpenAI and Gemini models translated, with text, thinking and tool_use blocks), usage on
message_delta, a faithful pass-through of thinking signatures / cache_control / server tools over a tool-result
round trip, and provider and gateway errors in Anthropic's shape and status codes."""
import json
from decimal import Decimal

import anthropic
import httpx
import pytest

from media_support import chat_requests, e2e

MODELS = ["anthropic/claude-sonnet-4.5", "openai/gpt-4o", "google/gemini-2.5-flash"]
WEATHER_TOOL = {
    "name": "get_weather",
    "description": "Current weather for a city",
    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}
DELTA_TYPES = {"text": {"text_delta"}, "thinking": {"thinking_delta", "signature_delta"},
               "tool_use": {"input_json_delta"}}


def sse_events(server, key, body, headers=None):
    """POSTs a streamed /v1/messages request; returns (status, [(event name, data)]) without pings."""
    h = {"x-api-key": key, "anthropic-version": "2023-06-01"}
    h.update(headers or {})
    with httpx.stream("POST", server + "/v1/messages", headers=h, json=dict(body, stream=True), timeout=30) as r:
        assert r.status_code == 200, r.read()
        assert r.headers["content-type"].startswith("text/event-stream")
        events, name = [], None
        for line in r.iter_lines():
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data = e2e.loads(line[6:])
                assert data["type"] == name, (name, data)
                if name != "ping":
                    events.append((name, data))
    return events


def check_grammar(events, model):
    """message_start, then for block 0, 1, …: content_block_start, deltas of the block's kind, content_block_stop
    (never interleaved), then message_delta, message_stop. Returns (blocks, message_delta data)."""
    names = [n for n, _ in events]
    assert names[0] == "message_start" and names[-2:] == ["message_delta", "message_stop"], names
    start = events[0][1]["message"]
    assert start["role"] == "assistant" and start["content"] == [] and start["model"] == model
    assert start["id"].startswith("msg_") and start["stop_reason"] is None
    assert isinstance(start["usage"]["input_tokens"], int)
    blocks, i = [], 1
    while events[i][0] != "message_delta":
        name, data = events[i]
        assert name == "content_block_start" and data["index"] == len(blocks), (i, names)
        block = dict(data["content_block"])
        kind = block["type"]
        partial = ""
        i += 1
        while events[i][0] == "content_block_delta":
            d = events[i][1]
            assert d["index"] == data["index"], names
            assert d["delta"]["type"] in DELTA_TYPES[kind], (kind, d)
            delta = d["delta"]
            if delta["type"] == "text_delta":
                block["text"] += delta["text"]
            elif delta["type"] == "thinking_delta":
                block["thinking"] += delta["thinking"]
            elif delta["type"] == "signature_delta":
                block["signature"] = delta["signature"]
            else:
                partial += delta["partial_json"]
            i += 1
        assert events[i] == ("content_block_stop", {"type": "content_block_stop", "index": data["index"]}), events[i]
        if kind == "tool_use":
            block["input"] = json.loads(partial) if partial else {}
        blocks.append(block)
        i += 1
    assert i == len(events) - 2, names
    delta = events[i][1]
    return blocks, delta


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("scenario", ["text", "thinking", "tool_call"])
def test_stream_grammar_and_usage_on_message_delta(media_account, model, scenario):
    body = {"model": model, "max_tokens": 256, "messages": [{"role": "user", "content": "Weather in Paris?"}]}
    if scenario != "text":
        body["messages"][0]["content"] += " [[scenario:%s]]" % scenario
    if scenario == "tool_call":
        body["tools"] = [WEATHER_TOOL]
    if scenario == "thinking":
        body.update(max_tokens=4096, thinking={"type": "enabled", "budget_tokens": 2048})
    events = sse_events(media_account.server, media_account.live_key, body)
    blocks, delta = check_grammar(events, model)
    kinds = [b["type"] for b in blocks]
    if scenario == "text":
        assert kinds == ["text"] and "Hello from the fake provider" in blocks[0]["text"]
        assert delta["delta"]["stop_reason"] == "end_turn"
    elif scenario == "thinking" and model.startswith("openai/"):
        # OpenAI's chat API shows no reasoning text, only its tokens: they are billed as output.
        assert kinds == ["text"] and delta["usage"]["output_tokens"] == 28
    elif scenario == "thinking":
        assert kinds[0] == "thinking" and kinds[-1] == "text", kinds
        assert blocks[0]["thinking"]
        if model.startswith("anthropic/"):
            assert blocks[0]["signature"].startswith("sig_fake_")  # Anthropic's own signature, relayed
        else:
            assert blocks[0]["signature"] == ""  # not Anthropic's reasoning: no signature to claim
    else:
        assert kinds[-1] == "tool_use", kinds
        tool = blocks[-1]
        assert tool["name"] == "get_weather" and tool["id"] and isinstance(tool["input"], dict)
        assert "city" in tool["input"]
        assert delta["delta"]["stop_reason"] == "tool_use"
    # The usage and the credits are on message_delta, and they are what the usage row charged.
    usage = delta["usage"]
    assert usage["output_tokens"] > 0
    layers = delta["layers"]
    assert layers["request_id"] and layers["test"] is False
    rows = e2e.wait_until(lambda: media_account.usage()["recent_logs"])
    assert rows[0]["model"] == model and rows[0]["status"] == 200
    assert rows[0]["completion_tokens"] == usage["output_tokens"]
    assert Decimal(str(rows[0]["credits_charged"])) == Decimal(str(layers["credits_used"])) > 0


def test_pass_through_keeps_thinking_signatures_cache_control_and_server_tools(media_account, media_fakes):
    """An Anthropic model with extended thinking and tools over a tool-result round trip: the SDK's stream helper
    accumulates the thinking block with its signature; sending it back, the upstream request is byte-for-byte
    the client's body (only `model` swapped) with its headers."""
    client = anthropic.Anthropic(base_url=media_account.server, api_key=media_account.live_key, max_retries=0,
                                 timeout=30)
    tools = [dict(WEATHER_TOOL, cache_control={"type": "ephemeral"}),
             {"type": "web_search_20250305", "name": "web_search", "max_uses": 2}]
    system = [{"type": "text", "text": "You are terse.", "cache_control": {"type": "ephemeral", "ttl": "1h"}}]
    thinking = {"type": "enabled", "budget_tokens": 1024}
    question = {"role": "user", "content": "Weather in Paris? [[scenario:tool_call]]"}
    with client.messages.stream(model="anthropic/claude-sonnet-4.5", max_tokens=2048, thinking=thinking,
                                system=system, tools=tools, messages=[question],
                                extra_headers={"anthropic-beta": "extended-cache-ttl-2025-04-11"}) as stream:
        first = stream.get_final_message()
    assert [b.type for b in first.content] == ["thinking", "tool_use"]
    assert first.content[0].signature == "sig_fake_" + "A" * 24
    assert first.stop_reason == "tool_use"
    use = first.content[1]
    second_body = {
        "model": "anthropic/claude-sonnet-4.5", "max_tokens": 2048, "thinking": thinking, "system": system,
        "tools": tools, "top_k": 7, "metadata": {"user_id": "u-1"},
        "messages": [
            {"role": "user", "content": "Weather in Paris?"},
            {"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in first.content]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": use.id, "cache_control":
                                          {"type": "ephemeral"}, "content": [{"type": "text", "text": "18C"}]}]},
        ]}
    httpx.delete(media_fakes + "/_fake/requests", timeout=10)
    r = httpx.post(media_account.server + "/v1/messages", json=second_body, timeout=30,
                   headers={"x-api-key": media_account.live_key, "anthropic-version": "2023-06-01",
                            "anthropic-beta": "extended-cache-ttl-2025-04-11"})
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["model"] == "anthropic/claude-sonnet-4.5" and answer["stop_reason"] == "end_turn"
    assert answer["content"][0]["type"] == "thinking" and answer["content"][0]["signature"]
    sent = [q for q in chat_requests(media_fakes) if q["path"].endswith("/v1/messages")]
    assert len(sent) == 1
    upstream = sent[0]["body"]
    assert upstream["model"] == "claude-sonnet-4-5"  # Anthropic's own name
    assert dict(upstream, model=second_body["model"]) == second_body
    assert sent[0]["headers"]["anthropic-beta"] == "extended-cache-ttl-2025-04-11"
    assert sent[0]["headers"]["anthropic-version"] == "2023-06-01"


@pytest.mark.parametrize("model,marker,status,error_type", [
    ("anthropic/claude-sonnet-4.5", "error_529", 529, "overloaded_error"),   # passed through as Anthropic sent it
    ("anthropic/claude-sonnet-4.5", "error_429", 429, "rate_limit_error"),
    ("openai/gpt-4o", "error_503", 529, "overloaded_error"),                  # OpenAI's overload -> Anthropic's 529
    ("openai/gpt-4o", "error_429", 429, "rate_limit_error"),
    ("google/gemini-2.5-flash", "error_503", 529, "overloaded_error"),
    ("google/gemini-2.5-flash", "error_500", 502, "api_error"),
])
@pytest.mark.parametrize("streamed", [False, True])
def test_provider_errors_have_anthropic_statuses(media_account, model, marker, status, error_type, streamed):
    """Also for a streamed request: the provider refused before any event, so the answer is still a status."""
    client = anthropic.Anthropic(base_url=media_account.server, api_key=media_account.live_key, max_retries=0,
                                 timeout=30)
    messages = [{"role": "user", "content": "hi [[scenario:%s]]" % marker}]
    with pytest.raises(anthropic.APIStatusError) as info:
        if streamed:
            with client.messages.stream(model=model, max_tokens=64, messages=messages) as stream:
                stream.get_final_message()
        else:
            client.messages.create(model=model, max_tokens=64, messages=messages)
    assert info.value.status_code == status
    body = info.value.body
    assert body["type"] == "error" and body["error"]["type"] == error_type, body
    if status == 429:
        assert info.value.response.headers["retry-after"] == "7"
    # Nothing was produced, so nothing is charged and the hold is released.
    balance = media_account.balance()
    assert Decimal(str(balance["credits"])) == Decimal(100) and Decimal(str(balance["reserved"])) == 0


def test_gateway_errors_have_anthropic_statuses(media_server, media_account, make_media_account):
    url = media_server + "/v1/messages"
    body = {"model": "openai/gpt-4o", "max_tokens": 16, "messages": [{"role": "user", "content": "x"}]}
    for headers in ({}, {"x-api-key": "not-a-layers-key"}, {"authorization": "Bearer lyr_live_" + "x" * 43}):
        r = httpx.post(url, json=body, headers=headers, timeout=10)
        assert r.status_code == 401, (headers, r.text)
        assert r.json()["type"] == "error" and r.json()["error"]["type"] == "authentication_error"
        assert r.json()["request_id"] == r.headers["x-request-id"]
    r = httpx.post(url, content=b"{not json", headers={"x-api-key": media_account.live_key}, timeout=10)
    assert r.status_code == 400 and r.json()["error"]["type"] == "invalid_request_error"
    # A server tool only Anthropic runs cannot be translated for another provider: 400 before anything is held.
    r = httpx.post(url, headers={"x-api-key": media_account.live_key}, timeout=10, json=dict(
        body, tools=[{"type": "web_search_20250305", "name": "web_search"}]))
    assert r.status_code == 400 and r.json()["error"]["type"] == "invalid_request_error"
    assert "tools.0" in r.json()["error"]["message"] and "anthropic/" in r.json()["error"]["message"]
    assert Decimal(str(media_account.balance()["reserved"])) == 0
    # Our own rate limit (a free tier holds 10 requests) answers Anthropic's 429 with Retry-After.
    free = make_media_account(tier="free")
    statuses = []
    for _ in range(14):
        r = httpx.post(url + "/count_tokens", json={"model": "openai/gpt-4o", "messages": body["messages"]},
                       headers={"x-api-key": free.live_key}, timeout=10)
        statuses.append(r.status_code)
        if r.status_code == 429:
            assert r.json()["error"]["type"] == "rate_limit_error" and int(r.headers["retry-after"]) >= 1
            break
    assert statuses[-1] == 429, statuses
    # A provider without a key (Morph: no key, no AI gateway) is an api_error, not an overload.
    client = anthropic.Anthropic(base_url=media_server, api_key=media_account.live_key, max_retries=0)
    morph = next(m["id"] for m in httpx.get(media_server + "/v1/models", timeout=10).json()["data"]
                 if m["id"].startswith("morph/"))
    with pytest.raises(anthropic.APIStatusError) as info:
        client.messages.create(model=morph, max_tokens=16, messages=body["messages"])
    assert info.value.status_code == 503 and info.value.body["error"]["type"] == "api_error"


def test_count_tokens_is_free_and_writes_no_usage_row(media_account):
    client = anthropic.Anthropic(base_url=media_account.server, api_key=media_account.live_key, max_retries=0)
    for model in MODELS:
        assert client.messages.count_tokens(model=model, messages=[{"role": "user", "content": "hello"}]
                                            ).input_tokens > 0
    assert media_account.usage()["recent_logs"] == []
    assert Decimal(str(media_account.balance()["credits"])) == Decimal(100)
    with pytest.raises(anthropic.NotFoundError):
        client.messages.count_tokens(model="openai/gpt-9000", messages=[{"role": "user", "content": "x"}])
    with pytest.raises(anthropic.BadRequestError) as bad:
        client.messages.count_tokens(model="openai/gpt-4o", messages=[])
    assert bad.value.body["error"]["type"] == "invalid_request_error"


@pytest.mark.parametrize("streamed", [False, True])
def test_gemini3_tool_round_trip_keeps_the_thought_signature(media_account, media_fakes, streamed):
    """Gemini 3 refuses a function call sent back without its thoughtSignature; through /v1/messages the
    signature rides in the tool_use id, so an Anthropic client's ordinary round trip works."""
    client = anthropic.Anthropic(base_url=media_account.server, api_key=media_account.live_key, max_retries=0,
                                 timeout=30)
    model = "google/gemini-3-pro-preview"
    question = {"role": "user", "content": "Weather in Paris? [[scenario:tool_call]]"}
    if streamed:
        with client.messages.stream(model=model, max_tokens=256, tools=[WEATHER_TOOL], messages=[question]) as s:
            first = s.get_final_message()
    else:
        first = client.messages.create(model=model, max_tokens=256, tools=[WEATHER_TOOL], messages=[question])
    use = [b for b in first.content if b.type == "tool_use"][0]
    httpx.delete(media_fakes + "/_fake/requests", timeout=10)
    second = client.messages.create(model=model, max_tokens=256, tools=[WEATHER_TOOL], messages=[
        {"role": "user", "content": "Weather in Paris?"},
        {"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in first.content]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": use.id, "content": "18C"}]}])
    assert second.stop_reason == "end_turn"
    sent = [q for q in chat_requests(media_fakes) if ":generateContent" in q["path"]
            or ":streamGenerateContent" in q["path"]][-1]["body"]
    call = [p for c in sent["contents"] for p in c["parts"] if "functionCall" in p][0]
    assert call["thoughtSignature"] == "Z2VtaW5pLXNpZy1mYWtl"


def credits_from(server, model, parts, margin_bps=6000):
    """Credits for {price name: tokens}, as LayersCredits computes them (integer picodollars, margin, one
    half-up rounding to the micro-credit)."""
    from decimal import ROUND_HALF_UP
    pricing = e2e.pricing(server, model)
    pico = sum(tokens * int(Decimal(str(pricing[name])) * 1_000_000) for name, tokens in parts.items())
    micro = (Decimal(pico) * (10000 + margin_bps) / Decimal(10000) / Decimal(10000)).quantize(
        Decimal(1), rounding=ROUND_HALF_UP)
    return micro / Decimal(1_000_000)


@pytest.mark.parametrize("streamed", [False, True])
@pytest.mark.parametrize("ttl,write_price", [("5m", "cache_write_5m"), ("1h", "cache_write_1h")])
def test_pass_through_prompt_caching_is_billed_exactly(media_account, streamed, ttl, write_price):
    """Anthropic's usage (10 uncached input, 100 cache reads, 20 cache writes at the block's TTL, 8 output) is
    billed at each price of the registry, and the usage row and `layers` agree."""
    model = "anthropic/claude-sonnet-4.5"
    body = {"model": model, "max_tokens": 64,
            "system": [{"type": "text", "text": "Long cached system", "cache_control": {"type": "ephemeral", "ttl": ttl}}],
            "messages": [{"role": "user", "content": "hi [[scenario:cache]]"}]}
    want = credits_from(media_account.server, model, {"input": 10, "cached_input": 100, write_price: 20, "output": 8})
    if streamed:
        events = sse_events(media_account.server, media_account.live_key, body)
        start = events[0][1]["message"]["usage"]
        assert (start["input_tokens"], start["cache_read_input_tokens"], start["cache_creation_input_tokens"]) == \
            (10, 100, 20)
        layers = [d for n, d in events if n == "message_delta"][0]["layers"]
    else:
        r = httpx.post(media_account.server + "/v1/messages", json=body, timeout=30,
                       headers={"x-api-key": media_account.live_key, "anthropic-version": "2023-06-01"})
        assert r.status_code == 200, r.text
        answer = e2e.loads(r.text)
        assert answer["usage"]["cache_creation"]["ephemeral_%s_input_tokens" % ttl] == 20
        layers = answer["layers"]
    assert layers["credits_used"] == want
    rows = e2e.wait_until(lambda: media_account.usage()["recent_logs"])
    row = rows[0]
    assert (row["prompt_tokens"], row["cached_tokens"], row["cache_write_tokens"], row["completion_tokens"]) == \
        (130, 100, 20, 8)
    assert Decimal(str(row["credits_charged"])) == want
    assert Decimal(str(media_account.balance()["credits"])) == Decimal(100) - want


def test_anthropic_refusal_of_a_pass_through_body_is_its_400(media_account):
    """The gateway leaves block-level validation of a pass-through body to Anthropic; Anthropic's 400 reaches
    the client as an invalid_request_error with Anthropic's message, and nothing is charged."""
    client = anthropic.Anthropic(base_url=media_account.server, api_key=media_account.live_key, max_retries=0)
    with pytest.raises(anthropic.BadRequestError) as info:
        client.messages.create(model="anthropic/claude-sonnet-4.5", max_tokens=1000,
                               thinking={"type": "enabled", "budget_tokens": 2000},
                               messages=[{"role": "user", "content": "hi"}])
    assert info.value.body["error"]["type"] == "invalid_request_error"
    assert "budget_tokens" in info.value.body["error"]["message"]
    balance = media_account.balance()
    assert Decimal(str(balance["credits"])) == Decimal(100) and Decimal(str(balance["reserved"])) == 0
    rows = media_account.usage()["recent_logs"]
    assert rows[0]["status"] == 400 and Decimal(str(rows[0]["credits_charged"])) == 0
