"""Image generation end to end: the openai SDK's images.generate (and the original /api/v1/image) -> layers-server
-> image adapters -> fake OpenAI / BFL / Imagen / Gemini / Recraft, billed per image through the same pipeline as
chat (reservation, settlement, usage row)."""
import base64
from decimal import Decimal

import httpx
import openai
import pytest

from media_support import clear_media_requests, e2e, media_requests

PNG_MAGIC = b"\x89PNG"


def credits_of(raw):
    return Decimal(str(raw["layers"]["credits_used"])), Decimal(str(raw["layers"]["credits_charged"]))


def generate_raw(account, body, path="/v1/images/generations", key=None):
    with account.http(key) as c:
        r = c.post(path, json=body, timeout=60)
    return r, e2e.loads(r.text)


@pytest.mark.parametrize("model,per_image", [
    ("openai/dall-e-3", Decimal("6.4")),                    # $0.04 standard 1024x1024 x 1.6
    ("google/imagen-4.0-generate-001", Decimal("6.4")),     # $0.04 flat
    ("bfl/flux-2-pro", Decimal("4.8")),                     # $0.03 for the first megapixel (1024x1024)
    ("recraft/recraft-v3", Decimal("6.4")),                 # $0.04 raster
])
def test_sdk_images_generate_is_billed_per_image(media_account, model, per_image):
    client = media_account.client()
    resp = client.images.generate(model=model, prompt="a red fox in the snow", size="1024x1024",
                                  response_format="b64_json")
    assert len(resp.data) == 1
    assert base64.b64decode(resp.data[0].b64_json)[:4] == PNG_MAGIC
    raw = e2e.loads(resp.to_json())
    used, charged = credits_of(raw)
    assert used == per_image and charged == per_image
    balance = media_account.balance()
    assert Decimal(str(balance["credits"])) == Decimal(100) - per_image
    assert Decimal(str(balance["reserved"])) == 0
    row = media_account.usage()["recent_logs"][0]
    assert row["model"] == model and row["status"] == 200
    assert Decimal(str(row["credits_charged"])) == per_image


def test_n_images_and_aspect_ratio_through_imagen(media_account, media_fakes):
    clear_media_requests(media_fakes)
    r, raw = generate_raw(media_account, {"model": "google/imagen-4.0-generate-001", "prompt": "a fox", "n": 3,
                                          "size": "1920x1080"})
    assert r.status_code == 200, r.text
    assert len(raw["data"]) == 3
    assert raw["usage"]["images"] == 3
    assert credits_of(raw)[1] == Decimal("19.2")
    sent = [q for q in media_requests(media_fakes) if q["path"].endswith(":predict")][-1]["body"]
    assert sent["parameters"] == {"sampleCount": 3, "aspectRatio": "16:9"}
    assert sent["instances"] == [{"prompt": "a fox"}]


def test_bfl_polling_and_url_format(media_account, media_fakes):
    clear_media_requests(media_fakes)
    client = media_account.client()
    resp = client.images.generate(model="bfl/flux-pro-1.1-ultra", prompt="a fox [[media:ready_after:3]]",
                                  response_format="url", extra_body={"aspect_ratio": "21:9"})
    assert resp.data[0].url.startswith(media_fakes + "/files/bfl-")
    seen = media_requests(media_fakes)
    submits = [q for q in seen if q["method"] == "POST" and q["path"] == "/bfl/v1/flux-pro-1.1-ultra"]
    polls = [q for q in seen if q["method"] == "GET" and q["path"].startswith("/bfl/v1/get_result")]
    assert len(submits) == 1 and submits[0]["body"]["aspect_ratio"] == "21:9"
    assert submits[0]["headers"]["x-key"] == "bfl-fake-key-000000"
    assert len(polls) >= 3
    assert credits_of(e2e.loads(resp.to_json()))[1] == Decimal("9.6")


def test_bfl_poll_that_never_finishes_is_a_timeout_and_free(media_account):
    client = media_account.client()
    with pytest.raises(openai.APIStatusError) as info:
        client.images.generate(model="bfl/flux-2-pro", prompt="a fox [[media:never_finish]]")
    assert info.value.status_code == 504
    balance = media_account.balance()
    assert Decimal(str(balance["credits"])) == Decimal(100)
    assert Decimal(str(balance["reserved"])) == 0
    row = media_account.usage()["recent_logs"][0]
    assert row["status"] == 504 and Decimal(str(row["credits_charged"])) == 0


def test_failed_generation_is_not_charged(media_account):
    client = media_account.client()
    with pytest.raises(openai.InternalServerError) as info:
        client.images.generate(model="bfl/flux-2-pro", prompt="a fox [[media:fail]]")
    assert info.value.status_code == 502
    with pytest.raises(openai.BadRequestError) as moderated:
        client.images.generate(model="bfl/flux-2-pro", prompt="a fox [[media:moderate]]")
    assert "moderated" in str(moderated.value).lower()
    balance = media_account.balance()
    assert Decimal(str(balance["credits"])) == Decimal(100)
    assert Decimal(str(balance["reserved"])) == 0


def test_gpt_image_quality_and_size(media_account, media_fakes):
    clear_media_requests(media_fakes)
    client = media_account.client()
    resp = client.images.generate(model="openai/gpt-image-1", prompt="a fox", size="1536x1024", quality="low", n=2)
    assert len(resp.data) == 2
    sent = [q for q in media_requests(media_fakes) if q["path"] == "/openai/v1/images/generations"][-1]["body"]
    assert sent["model"] == "gpt-image-1" and sent["size"] == "1536x1024" and sent["quality"] == "low"
    assert "response_format" not in sent
    raw = e2e.loads(resp.to_json())
    # 2 x $0.016 (low, 1536x1024) + 50 prompt tokens x $5/1M = $0.03225 -> x1.6 = 5.16 credits
    assert credits_of(raw)[1] == Decimal("5.16")


def test_gemini_image_model(media_account):
    r, raw = generate_raw(media_account, {"model": "google/gemini-2.5-flash-image", "prompt": "a fox",
                                          "aspect_ratio": "3:2"})
    assert r.status_code == 200, r.text
    assert base64.b64decode(raw["data"][0]["b64_json"])[:4] == PNG_MAGIC
    assert raw["usage"]["images"] == 1


def test_sizes_a_model_cannot_do(media_account):
    client = media_account.client()
    with pytest.raises(openai.BadRequestError) as info:
        client.images.generate(model="openai/dall-e-3", prompt="a fox", size="512x512")
    assert "1792x1024" in str(info.value) and info.value.body["param"] == "size"
    with pytest.raises(openai.BadRequestError) as ratio:
        client.images.generate(model="google/imagen-4.0-generate-001", prompt="a fox",
                               extra_body={"aspect_ratio": "3:2"})
    assert ratio.value.body["param"] == "aspect_ratio"
    with pytest.raises(openai.BadRequestError) as n:
        client.images.generate(model="openai/dall-e-3", prompt="a fox", n=2)
    assert n.value.body["param"] == "n"
    with pytest.raises(openai.BadRequestError):
        client.images.generate(model="openai/gpt-4o", prompt="a fox")
    with pytest.raises(openai.NotFoundError):
        client.images.generate(model="bfl/flux-9000", prompt="a fox")
    assert Decimal(str(media_account.balance()["credits"])) == Decimal(100)


def test_original_image_endpoint_buckets_sizes(media_account, media_fakes):
    clear_media_requests(media_fakes)
    r, raw = generate_raw(media_account, {"model": "google/imagen-4.0-fast-generate-001", "prompt": "a fox",
                                          "size": "1800x1000", "n": 2}, path="/api/v1/image")
    assert r.status_code == 200, r.text
    assert len(raw["data"]) == 2 and raw["usage"] == {"images": 2}
    assert raw["layers"]["credits_used"] == Decimal("6.4")  # 2 x $0.02 x 1.6
    sent = [q for q in media_requests(media_fakes) if q["path"].endswith(":predict")][-1]["body"]
    assert sent["parameters"]["aspectRatio"] == "16:9"  # 1.8 > 1.7
    info = httpx.get(media_account.server + "/api/v1/image", timeout=10).json()
    assert info["status"] == "ok" and info["version"].startswith("v")
    assert "bfl/flux-2-pro" in info["supported_models"]


def test_test_keys_get_sandbox_images_for_free(media_account, media_fakes):
    clear_media_requests(media_fakes)
    client = media_account.client(key=media_account.test_key)
    resp = client.images.generate(model="bfl/flux-2-pro", prompt="a fox", n=2)
    assert len(resp.data) == 2 and base64.b64decode(resp.data[0].b64_json)[:4] == PNG_MAGIC
    raw = e2e.loads(resp.to_json())
    assert raw["layers"]["test"] is True
    assert credits_of(raw) == (Decimal("9.6"), Decimal(0))
    assert not [q for q in media_requests(media_fakes) if q["path"].startswith("/bfl/")]
    assert Decimal(str(media_account.balance()["credits"])) == Decimal(100)


def test_image_auth_and_credit_errors(media_server, make_media_account):
    r = httpx.post(media_server + "/v1/images/generations", json={"model": "bfl/flux-2-pro", "prompt": "x"}, timeout=10)
    assert r.status_code == 401
    poor = make_media_account(credits="1")
    with pytest.raises(openai.APIStatusError) as info:
        poor.client().images.generate(model="openai/dall-e-3", prompt="a fox")
    assert info.value.status_code == 402
