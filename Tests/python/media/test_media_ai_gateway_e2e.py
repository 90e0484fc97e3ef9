"""The Vercel AI Gateway as the provider of last resort: on a server where no provider has a key of its own,
images (chat completions with image output), embeddings and /v1/messages all go through the gateway (the fake's
/gateway), priced and recorded exactly as they would be from the model's own provider."""
import base64
from decimal import Decimal

import anthropic
import httpx
import openai
import pytest

from media_support import chat_requests, clear_media_requests, e2e, embedding_credits, media_requests


@pytest.mark.parametrize("model,credits", [
    ("bfl/flux-2-pro", Decimal("4.8")),
    ("google/imagen-4.0-generate-001", Decimal("6.4")),
    ("recraft/recraft-v3", Decimal("6.4")),
])
def test_images_through_the_gateway(gateway_account, media_fakes, model, credits):
    clear_media_requests(media_fakes)
    resp = gateway_account.client().images.generate(model=model, prompt="a fox", size="1024x1024")
    assert base64.b64decode(resp.data[0].b64_json)[:4] == b"\x89PNG"
    sent = [q for q in media_requests(media_fakes) if q["path"] == "/gateway/v1/chat/completions"]
    assert len(sent) == 1
    assert sent[0]["body"]["model"] == model and sent[0]["body"]["modalities"] == ["image"]
    assert sent[0]["headers"]["authorization"] == "Bearer vck-fake-gateway-0000"
    assert not [q for q in media_requests(media_fakes) if not q["path"].startswith("/gateway/")]
    assert Decimal(str(e2e.loads(resp.to_json())["layers"]["credits_charged"])) == credits
    row = gateway_account.usage()["recent_logs"][0]
    assert row["model"] == model and Decimal(str(row["credits_charged"])) == credits
    assert Decimal(str(gateway_account.balance()["credits"])) == Decimal(100) - credits


def test_gateway_image_failure_is_not_charged(gateway_account):
    with pytest.raises(openai.InternalServerError) as info:
        gateway_account.client().images.generate(model="bfl/flux-2-pro", prompt="a fox [[media:error_500]]")
    assert info.value.status_code == 502
    balance = gateway_account.balance()
    assert Decimal(str(balance["credits"])) == Decimal(100) and Decimal(str(balance["reserved"])) == 0


@pytest.mark.parametrize("model,price", [("openai/text-embedding-3-small", "0.02"),
                                         ("google/gemini-embedding-001", "0.15")])
def test_embeddings_through_the_gateway(gateway_account, media_fakes, model, price):
    clear_media_requests(media_fakes)
    resp = gateway_account.client().embeddings.create(model=model, input=["one two three", "four"], dimensions=8)
    assert [d.index for d in resp.data] == [0, 1] and len(resp.data[0].embedding) == 8
    assert resp.model == model
    sent = [q for q in media_requests(media_fakes) if q["path"] == "/gateway/v1/embeddings"]
    assert len(sent) == 1 and sent[0]["body"]["model"] == model
    tokens = resp.usage.prompt_tokens
    assert tokens > 0
    want = embedding_credits(tokens, price)
    row = gateway_account.usage()["recent_logs"][0]
    assert row["model"] == model and row["prompt_tokens"] == tokens
    assert Decimal(str(row["credits_charged"])) == want
    assert Decimal(str(gateway_account.balance()["credits"])) == Decimal(100) - want


def test_messages_for_an_anthropic_model_are_translated_through_the_gateway(gateway_account, media_fakes):
    """Without ANTHROPIC_API_KEY an Anthropic model is no pass-through: the Messages body is translated for the
    gateway's OpenAI-shaped API and the answer translated back, tool round trip included."""
    client = anthropic.Anthropic(base_url=gateway_account.server, api_key=gateway_account.live_key, max_retries=0,
                                 timeout=30)
    httpx.delete(media_fakes + "/_fake/requests", timeout=10)
    tool = {"name": "get_weather", "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}
    question = {"role": "user", "content": "Weather in Paris? [[scenario:tool_call]]"}
    with client.messages.stream(model="anthropic/claude-sonnet-4.5", max_tokens=256, tools=[tool],
                                messages=[question]) as stream:
        first = stream.get_final_message()
    assert first.stop_reason == "tool_use" and first.model == "anthropic/claude-sonnet-4.5"
    use = [b for b in first.content if b.type == "tool_use"][0]
    second = client.messages.create(model="anthropic/claude-sonnet-4.5", max_tokens=256, tools=[tool], messages=[
        {"role": "user", "content": "Weather in Paris?"},
        {"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in first.content]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": use.id, "content": "18C"}]}])
    assert second.stop_reason == "end_turn" and second.content[0].type == "text"
    sent = [q for q in chat_requests(media_fakes) if q["path"] == "/gateway/v1/chat/completions"]
    assert len(sent) == 2 and not [q for q in chat_requests(media_fakes) if q["path"].startswith("/anthropic/")]
    assert sent[1]["body"]["messages"][-1] == {"role": "tool", "tool_call_id": use.id, "content": "18C"}


@pytest.mark.parametrize("path", ["/v1/images/generations", "/api/v1/image"])
def test_image_limits_are_configurable(gateway_account, media_fakes, path):
    """This server runs with LAYERS_IMAGE_MAX_N=2 and LAYERS_IMAGE_MAX_PROMPT_CHARS=50."""
    clear_media_requests(media_fakes)
    with gateway_account.http() as c:
        n = c.post(path, json={"model": "bfl/flux-2-pro", "prompt": "a fox", "n": 3}, timeout=30)
        long = c.post(path, json={"model": "bfl/flux-2-pro", "prompt": "x" * 51}, timeout=30)
        ok = c.post(path, json={"model": "bfl/flux-2-pro", "prompt": "x" * 50, "n": 2}, timeout=30)
    assert n.status_code == 400 and n.json()["error"]["param"] == "n" and "2" in n.json()["error"]["message"]
    assert long.status_code == 400 and long.json()["error"]["param"] == "prompt"
    assert "50" in long.json()["error"]["message"]
    assert ok.status_code == 200 and len(ok.json()["data"]) == 2
    assert len(media_requests(media_fakes)) == 2  # only the accepted request reached the gateway (one per image)
    info = httpx.get(gateway_account.server + "/api/v1/image", timeout=10).json()
    assert info["parameters"]["n"] == "1-2 (default 1)" and "50 characters" in info["parameters"]["prompt"]
