"""/v1/messages end to end with the official anthropic SDK: create, stream (the SDK's helpers accumulating the
final message), and tools with a tool-result round trip, for an Anthropic model (faithful pass-through), an
OpenAI model and a Gemini model (translated), billed like chat."""
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


def client_for(account, key=None, bearer=False):
    if bearer:
        return anthropic.Anthropic(base_url=account.server, auth_token=key or account.live_key, max_retries=0,
                                   timeout=30)
    return anthropic.Anthropic(base_url=account.server, api_key=key or account.live_key, max_retries=0, timeout=30)


@pytest.mark.parametrize("model", MODELS)
def test_create(media_account, model):
    client = client_for(media_account)
    msg = client.messages.create(model=model, max_tokens=256, system="Be brief.",
                                 messages=[{"role": "user", "content": "Say hello"}])
    assert msg.type == "message" and msg.role == "assistant"
    assert msg.model == model
    assert msg.id.startswith("msg_")
    assert msg._request_id, "request-id header, as Anthropic sends it"
    text = "".join(b.text for b in msg.content if b.type == "text")
    assert "Hello from the fake provider" in text
    assert msg.stop_reason == "end_turn"
    assert msg.usage.output_tokens > 0
    raw = msg.model_dump()
    charged = Decimal(str(raw["layers"]["credits_charged"]))
    u = msg.usage
    read, write = u.cache_read_input_tokens or 0, u.cache_creation_input_tokens or 0
    as_openai = {"prompt_tokens": u.input_tokens + read + write, "completion_tokens": u.output_tokens,
                 "prompt_tokens_details": {"cached_tokens": read, "cache_write_tokens": write}}
    assert charged == e2e.expected_credits(media_account.server, model, as_openai) > 0
    assert Decimal(str(media_account.balance()["credits"])) == Decimal(100) - charged
    row = media_account.usage()["recent_logs"][0]
    assert row["model"] == model and Decimal(str(row["credits_charged"])) == charged


@pytest.mark.parametrize("model", MODELS)
def test_stream_with_sdk_helpers(media_account, model):
    client = client_for(media_account, bearer=True)
    with client.messages.stream(model=model, max_tokens=256,
                                messages=[{"role": "user", "content": "Say hello"}]) as stream:
        pieces = list(stream.text_stream)
        final = stream.get_final_message()
    assert "".join(pieces) == "".join(b.text for b in final.content if b.type == "text")
    assert "Hello from the fake provider" in "".join(pieces)
    assert final.model == model
    assert final.stop_reason == "end_turn"
    assert final.usage.output_tokens > 0
    charged = e2b(media_account)
    assert charged > 0
    u = final.usage
    read, write = u.cache_read_input_tokens or 0, u.cache_creation_input_tokens or 0
    as_openai = {"prompt_tokens": u.input_tokens + read + write, "completion_tokens": u.output_tokens,
                 "prompt_tokens_details": {"cached_tokens": read, "cache_write_tokens": write}}
    assert charged == e2e.expected_credits(media_account.server, model, as_openai)


def test_stream_events_carry_layers_on_message_delta(media_account):
    for model in MODELS:
        with httpx.stream("POST", media_account.server + "/v1/messages", timeout=30,
                          headers={"x-api-key": media_account.live_key, "anthropic-version": "2023-06-01"},
                          json={"model": model, "max_tokens": 64, "stream": True,
                                "messages": [{"role": "user", "content": "hi"}]}) as r:
            assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
            events, name = [], None
            for line in r.iter_lines():
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    events.append((name, e2e.loads(line[6:])))
        names = [n for n, _ in events if n != "ping"]
        assert names[0] == "message_start" and names[-2:] == ["message_delta", "message_stop"], (model, names)
        delta = [d for n, d in events if n == "message_delta"][0]
        assert delta["layers"]["credits_used"] > 0 and delta["usage"]["output_tokens"] > 0, model


def e2b(account):
    """Credits charged by the latest request (waiting for the stream's settlement)."""
    def charged():
        rows = account.usage()["recent_logs"]
        return rows and Decimal(str(rows[0]["credits_charged"]))
    return e2e.wait_until(charged) or Decimal(0)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("streamed", [False, True])
def test_tool_use_round_trip(media_account, model, streamed):
    client = client_for(media_account)
    messages = [{"role": "user", "content": "What is the weather in Paris? [[scenario:tool_call]]"}]
    if streamed:
        with client.messages.stream(model=model, max_tokens=512, tools=[WEATHER_TOOL], messages=messages) as s:
            first = s.get_final_message()
    else:
        first = client.messages.create(model=model, max_tokens=512, tools=[WEATHER_TOOL], messages=messages)
    assert first.stop_reason == "tool_use"
    uses = [b for b in first.content if b.type == "tool_use"]
    assert len(uses) >= 1 and uses[0].name == "get_weather"
    assert isinstance(uses[0].input, dict)
    # The fakes pick their scenario from the last user-role message; after translation that is the question
    # again (the tool result becomes a `tool` message), so the marker is dropped for the second turn.
    messages = [{"role": "user", "content": "What is the weather in Paris?"}] + [
        {"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in first.content]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": uses[0].id, "content": "18C and sunny"}]},
    ]
    second = client.messages.create(model=model, max_tokens=512, tools=[WEATHER_TOOL], messages=messages)
    assert second.stop_reason == "end_turn"
    assert any(b.type == "text" and b.text for b in second.content)


def test_anthropic_pass_through_is_faithful(media_account, media_fakes):
    client = client_for(media_account)
    httpx.delete(media_fakes + "/_fake/requests", timeout=10)
    client.messages.create(
        model="anthropic/claude-haiku-4.5", max_tokens=64, extra_body={"top_k": 5},
        system=[{"type": "text", "text": "Cached system", "cache_control": {"type": "ephemeral"}}],
        messages=[{"role": "user", "content": "hi"}],
        extra_headers={"anthropic-beta": "prompt-caching-2024-07-31"})
    sent = [q for q in chat_requests(media_fakes) if q["path"].endswith("/v1/messages")][-1]
    assert sent["body"]["model"] != "anthropic/claude-haiku-4.5"
    assert sent["body"]["top_k"] == 5
    assert sent["body"]["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert sent["headers"].get("anthropic-beta") == "prompt-caching-2024-07-31"
    assert sent["headers"]["x-api-key"].startswith("sk-ant-fake")


def test_errors_in_anthropic_shape(media_account, media_server):
    bad = anthropic.Anthropic(base_url=media_server, api_key="lyr_live_not_a_real_key_000000000000", max_retries=0)
    with pytest.raises(anthropic.AuthenticationError) as auth:
        bad.messages.create(model="openai/gpt-4o", max_tokens=10, messages=[{"role": "user", "content": "x"}])
    assert auth.value.body["type"] == "error" and auth.value.body["error"]["type"] == "authentication_error"
    client = client_for(media_account)
    with pytest.raises(anthropic.NotFoundError) as missing:
        client.messages.create(model="openai/gpt-9000", max_tokens=10, messages=[{"role": "user", "content": "x"}])
    assert missing.value.body["error"]["type"] == "not_found_error"
    with pytest.raises(anthropic.BadRequestError) as invalid:
        client.messages.create(model="openai/gpt-4o", max_tokens=10,
                               messages=[{"role": "system", "content": "x"}])
    assert "messages.0.role" in invalid.value.body["error"]["message"]
    r = httpx.post(media_server + "/v1/messages", headers={"x-api-key": media_account.live_key},
                   json={"model": "openai/gpt-4o", "messages": [{"role": "user", "content": "x"}]}, timeout=10)
    assert r.status_code == 400 and "max_tokens" in r.json()["error"]["message"]
    poor = e2e.Account(media_server, media_account.admin, credits="0.000001")
    with pytest.raises(anthropic.APIStatusError) as credits:
        client_for(poor).messages.create(model="anthropic/claude-opus-4.5", max_tokens=4000,
                                         messages=[{"role": "user", "content": "x"}])
    assert credits.value.status_code == 402 and credits.value.body["error"]["type"] == "billing_error"


def test_count_tokens(media_account):
    client = client_for(media_account)
    counted = client.messages.count_tokens(model="openai/gpt-4o", messages=[{"role": "user", "content": "x" * 400}])
    assert 90 <= counted.input_tokens <= 130
    anthropic_count = client.messages.count_tokens(model="anthropic/claude-sonnet-4.5",
                                                   messages=[{"role": "user", "content": "hello"}])
    assert anthropic_count.input_tokens > 0
    raw = client.messages.with_raw_response.count_tokens(
        model="google/gemini-2.5-flash", system="Be brief.", tools=[WEATHER_TOOL],
        messages=[{"role": "user", "content": "hello"}])
    assert raw.headers["x-layers-token-count"] == "provider"
    assert raw.parse().input_tokens > 10
    assert client.messages.with_raw_response.count_tokens(
        model="openai/gpt-4o", messages=[{"role": "user", "content": "hi"}]).headers["x-layers-token-count"] == "estimated"


def test_test_keys_use_the_sandbox(media_account):
    client = client_for(media_account, key=media_account.test_key)
    msg = client.messages.create(model="anthropic/claude-sonnet-4.5", max_tokens=64,
                                 messages=[{"role": "user", "content": "hi"}])
    assert msg.content and msg.model == "anthropic/claude-sonnet-4.5"
    assert msg.model_dump()["layers"]["test"] is True
    assert Decimal(str(media_account.balance()["credits"])) == Decimal(100)


@pytest.mark.parametrize("model", MODELS)
def test_midstream_error_becomes_an_error_event_and_is_settled(media_account, model):
    client = client_for(media_account)
    with pytest.raises(anthropic.APIError):
        with client.messages.stream(model=model, max_tokens=256,
                                    messages=[{"role": "user", "content": "hi [[scenario:midstream_error]]"}]) as s:
            for _ in s.text_stream:
                pass
    rows = e2e.wait_until(lambda: [r for r in media_account.usage()["recent_logs"] if r["status"] != 200])
    assert rows and rows[0]["model"] == model
    assert e2e.wait_until(lambda: Decimal(str(media_account.balance()["reserved"])) == 0)
