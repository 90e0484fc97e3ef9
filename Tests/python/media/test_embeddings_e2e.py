"""Embeddings end to end: the openai SDK's embeddings.create -> layers-server -> OpenAI pass-through or Gemini
batchEmbedContents translation -> fakes, billed by input tokens with a usage row."""
import base64
import struct
from decimal import Decimal

import openai
import pytest

from media_support import clear_media_requests, e2e, embedding_credits, media_requests


def test_openai_embeddings_pass_through_floats_and_base64(media_account, media_fakes):
    client = media_account.client()
    clear_media_requests(media_fakes)
    # The SDK asks for base64 by default and decodes it back into floats.
    resp = client.embeddings.create(model="openai/text-embedding-3-small", input=["one two three", "four"],
                                    dimensions=32)
    assert len(resp.data) == 2 and len(resp.data[0].embedding) == 32
    assert resp.model == "openai/text-embedding-3-small"
    assert resp.usage.prompt_tokens == 4
    sent = [q for q in media_requests(media_fakes) if q["path"] == "/openai/v1/embeddings"][-1]["body"]
    assert sent["model"] == "text-embedding-3-small" and sent["dimensions"] == 32
    assert sent["encoding_format"] == "base64"
    floats = client.embeddings.create(model="openai/text-embedding-3-small", input="hello world",
                                      encoding_format="float")
    assert isinstance(floats.data[0].embedding[0], float)
    want = embedding_credits(4, "0.02") + embedding_credits(2, "0.02")
    assert Decimal(str(media_account.balance()["credits"])) == Decimal(100) - want
    rows = media_account.usage()["recent_logs"]
    assert rows[0]["model"] == "openai/text-embedding-3-small" and rows[0]["prompt_tokens"] == 2


def test_gemini_embeddings_translated_both_ways(media_account, media_fakes):
    client = media_account.client()
    clear_media_requests(media_fakes)
    resp = client.embeddings.create(model="google/gemini-embedding-001", input=["alpha beta", "gamma"], dimensions=8)
    assert [d.index for d in resp.data] == [0, 1]
    assert len(resp.data[1].embedding) == 8
    norm = sum(v * v for v in resp.data[0].embedding) ** 0.5
    assert abs(norm - 1) < 1e-3
    sent = [q for q in media_requests(media_fakes) if q["path"].endswith(":batchEmbedContents")][-1]["body"]
    assert sent["requests"][0] == {"model": "models/gemini-embedding-001",
                                   "content": {"parts": [{"text": "alpha beta"}]}, "outputDimensionality": 8}
    raw = e2e.loads(client.embeddings.with_raw_response.create(
        model="google/gemini-embedding-001", input="alpha", encoding_format="float").text)
    vec = raw["data"][0]["embedding"]
    assert len(vec) == 3072 and all(isinstance(v, Decimal) for v in vec[:3])
    assert raw["layers"]["usage_estimated"] is True


def test_base64_vectors_decode_to_the_float_values(media_account):
    client = media_account.client()
    raw64 = e2e.loads(client.embeddings.with_raw_response.create(
        model="google/gemini-embedding-001", input="same text", dimensions=4, encoding_format="base64").text)
    rawf = e2e.loads(client.embeddings.with_raw_response.create(
        model="google/gemini-embedding-001", input="same text", dimensions=4, encoding_format="float").text)
    decoded = struct.unpack("<4f", base64.b64decode(raw64["data"][0]["embedding"]))
    for a, b in zip(decoded, rawf["data"][0]["embedding"]):
        assert abs(a - float(b)) < 1e-6


def test_embeddings_errors(media_account):
    client = media_account.client()
    with pytest.raises(openai.BadRequestError) as info:
        client.embeddings.create(model="openai/text-embedding-3-small", input=[])
    assert info.value.body["param"] == "input"
    with pytest.raises(openai.BadRequestError) as chat:
        client.embeddings.create(model="openai/gpt-4o", input="x")
    assert chat.value.body["param"] == "model"
    with pytest.raises(openai.NotFoundError):
        client.embeddings.create(model="openai/text-embedding-9", input="x")
    with pytest.raises(openai.BadRequestError) as tokens:
        client.embeddings.create(model="google/gemini-embedding-001", input=[[1, 2, 3]])
    assert tokens.value.body["param"] == "input"
    with pytest.raises(openai.BadRequestError) as upstream:
        client.embeddings.create(model="openai/text-embedding-3-small", input="x [[media:error_400]]")
    assert "fake OpenAI embeddings error 400" in str(upstream.value)
    assert Decimal(str(media_account.balance()["credits"])) == Decimal(100)


def test_test_key_embeddings_are_free_and_deterministic(media_account):
    client = media_account.client(key=media_account.test_key)
    a = client.embeddings.create(model="openai/text-embedding-3-large", input="hello", dimensions=16)
    b = client.embeddings.create(model="openai/text-embedding-3-large", input="hello", dimensions=16)
    assert a.data[0].embedding == b.data[0].embedding and len(a.data[0].embedding) == 16
    assert Decimal(str(media_account.balance()["credits"])) == Decimal(100)


@pytest.mark.parametrize("model,price,estimated", [("openai/text-embedding-3-large", "0.13", False),
                                                   ("google/gemini-embedding-001", "0.15", True)])
def test_embeddings_usage_rows_are_exact(media_account, model, price, estimated):
    raw = e2e.loads(media_account.client().embeddings.with_raw_response.create(
        model=model, input=["the quick brown fox", "jumps over", "the lazy dog"], encoding_format="float").text)
    tokens = raw["usage"]["prompt_tokens"]
    assert tokens == raw["usage"]["total_tokens"] > 0
    want = embedding_credits(tokens, price)
    assert raw["layers"]["credits_used"] == want and raw["layers"]["credits_charged"] == want
    assert bool(raw["layers"].get("usage_estimated")) is estimated
    rows = media_account.usage()["recent_logs"]
    assert len(rows) == 1
    row = rows[0]
    assert row["model"] == model and row["status"] == 200 and row["error_code"] is None
    assert row["prompt_tokens"] == tokens and row["completion_tokens"] == 0
    assert Decimal(str(row["credits_charged"])) == want and row["test"] is False
    assert Decimal(str(media_account.balance()["credits"])) == Decimal(100) - want


def test_failed_embeddings_are_not_charged(media_account):
    client = media_account.client()
    with pytest.raises(openai.RateLimitError) as limited:
        client.embeddings.create(model="google/gemini-embedding-001", input=["a", "b [[media:error_429]]"])
    assert limited.value.status_code == 429
    with pytest.raises(openai.InternalServerError):
        client.embeddings.create(model="openai/text-embedding-3-small", input="x [[media:error_500]]")
    balance = media_account.balance()
    assert Decimal(str(balance["credits"])) == Decimal(100) and Decimal(str(balance["reserved"])) == 0
    rows = media_account.usage()["recent_logs"]
    assert sorted(r["status"] for r in rows) == [429, 502]
    assert all(Decimal(str(r["credits_charged"])) == 0 for r in rows)
