"""Image generation: per-megapixel prices, failures of every image provider (never charged, the hold released,
the usage row saying what went wrong), the original /api/v1/image limits and size-to-aspect bucketing."""
import base64
from decimal import Decimal

import openai
import pytest

from media_support import clear_media_requests, e2e, media_requests


def post(account, path, body, key=None):
    with account.http(key) as c:
        r = c.post(path, json=body, timeout=60)
    return r, e2e.loads(r.text)


def assert_nothing_charged(account):
    balance = account.balance()
    assert Decimal(str(balance["credits"])) == Decimal(100)
    assert Decimal(str(balance["reserved"])) == 0


@pytest.mark.parametrize("size,credits,sent", [
    ("1024x1024", Decimal("4.8"), (1024, 1024)),    # 1 MP: $0.03 x 1.6
    ("1920x1080", Decimal("7.2"), (1920, 1088)),    # 1.99 MP: $0.03 + $0.015 (one further started MP)
    ("2048x2048", Decimal("12"), (2048, 2048)),     # 4 MP: $0.03 + 3 x $0.015
])
def test_flux2_is_priced_per_megapixel(media_account, media_fakes, size, credits, sent):
    clear_media_requests(media_fakes)
    resp = media_account.client().images.generate(model="bfl/flux-2-pro", prompt="a fox", size=size)
    assert base64.b64decode(resp.data[0].b64_json)[:4] == b"\x89PNG"
    submit = [q for q in media_requests(media_fakes) if q["method"] == "POST" and q["path"] == "/bfl/v1/flux-2-pro"]
    assert len(submit) == 1
    assert (submit[0]["body"]["width"], submit[0]["body"]["height"]) == sent  # sides in multiples of 16
    raw = e2e.loads(resp.to_json())
    assert Decimal(str(raw["layers"]["credits_charged"])) == credits
    row = media_account.usage()["recent_logs"][0]
    assert row["model"] == "bfl/flux-2-pro" and row["status"] == 200 and row["error_code"] is None
    assert Decimal(str(row["credits_charged"])) == credits
    assert Decimal(str(media_account.balance()["credits"])) == Decimal(100) - credits


def test_bfl_n_images_are_separate_tasks_billed_together(media_account, media_fakes):
    clear_media_requests(media_fakes)
    resp = media_account.client().images.generate(model="bfl/flux-2-pro", prompt="a fox", n=3)
    assert len(resp.data) == 3
    submits = [q for q in media_requests(media_fakes) if q["method"] == "POST" and q["path"].startswith("/bfl/")]
    assert len(submits) == 3
    assert Decimal(str(e2e.loads(resp.to_json())["layers"]["credits_charged"])) == Decimal("14.4")


@pytest.mark.parametrize("model,marker,status,code", [
    ("google/imagen-4.0-generate-001", "moderate", 400, "content_moderated"),
    ("google/gemini-2.5-flash-image", "fail", 400, "content_moderated"),
    ("bfl/flux-2-pro", "moderate", 400, "content_moderated"),
    ("bfl/flux-2-pro", "fail", 502, "provider_error"),
    ("bfl/flux-2-pro", "never_finish", 504, "upstream_timeout"),
    ("openai/gpt-image-1", "error_429", 429, "provider_rate_limited"),
    ("openai/dall-e-3", "error_500", 502, "provider_error"),
    ("recraft/recraft-v3", "error_400", 400, None),
    ("google/imagen-4.0-generate-001", "error_503", 503, None),
])
def test_failed_generations_are_never_charged(media_account, model, marker, status, code):
    with pytest.raises(openai.APIStatusError) as info:
        media_account.client().images.generate(model=model, prompt="a fox [[media:%s]]" % marker)
    assert info.value.status_code == status, info.value.body
    if code:
        assert info.value.body["code"] == code, info.value.body
    if status == 429:
        assert info.value.response.headers["retry-after"] == "7"
    assert_nothing_charged(media_account)
    rows = media_account.usage()["recent_logs"]
    assert len(rows) == 1
    assert rows[0]["model"] == model and rows[0]["status"] == status
    assert Decimal(str(rows[0]["credits_charged"])) == 0 and rows[0]["error_code"]


@pytest.mark.parametrize("size,ratio", [
    ("1900x1000", "16:9"),   # 1.9 > 1.7
    ("1600x1000", "3:2"),    # 1.6 > 1.3
    ("1200x1000", "1:1"),
    ("1000x1300", "2:3"),    # 0.77 < 0.8
    ("1000x1800", "9:16"),   # 0.56 < 0.6
])
def test_original_endpoint_buckets_sizes_to_ratios(media_account, media_fakes, size, ratio):
    clear_media_requests(media_fakes)
    r, raw = post(media_account, "/api/v1/image", {"model": "google/gemini-2.5-flash-image", "prompt": "a fox",
                                                   "size": size, "aspect_ratio": "1:1"})  # size wins
    assert r.status_code == 200, r.text
    assert {"created", "data", "usage", "layers"} <= set(raw) and raw["usage"] == {"images": 1}
    assert raw["model"] == "google/gemini-2.5-flash-image"
    sent = [q for q in media_requests(media_fakes) if q["path"].endswith(":generateContent")][-1]["body"]
    assert sent["generationConfig"]["imageConfig"]["aspectRatio"] == ratio


def test_original_endpoint_maps_ratios_to_sizes_and_defaults(media_account, media_fakes):
    clear_media_requests(media_fakes)
    r, _ = post(media_account, "/api/v1/image", {"model": "openai/dall-e-3", "prompt": "a fox", "aspect_ratio": "16:9"})
    assert r.status_code == 200, r.text
    r, _ = post(media_account, "/api/v1/image", {"model": "openai/dall-e-3", "prompt": "a fox"})
    assert r.status_code == 200, r.text
    sent = [q["body"] for q in media_requests(media_fakes) if q["path"] == "/openai/v1/images/generations"]
    assert [b["size"] for b in sent] == ["1792x1024", "1024x1024"]  # 16:9, then the default 1:1
    assert all(b["n"] == 1 for b in sent)


@pytest.mark.parametrize("path", ["/api/v1/image", "/v1/images/generations"])
@pytest.mark.parametrize("body,param", [
    ({"n": 5}, "n"),                                   # LAYERS_IMAGE_MAX_N (4)
    ({"n": 0}, "n"),
    ({"prompt": "x" * 10_001}, "prompt"),              # LAYERS_IMAGE_MAX_PROMPT_CHARS (10,000)
    ({"prompt": ""}, "prompt"),
    ({"prompt": None}, "prompt"),
    ({"aspect_ratio": "wide"}, "aspect_ratio"),
    ({"size": "big"}, "size"),
    ({"size": "1024x1024", "aspect_ratio": None, "model": "bfl/flux-pro-1.1-ultra"}, "size"),  # ratios only, 1:1 ok
    ({"response_format": "png"}, "response_format"),
])
def test_original_limits_and_bad_shapes_are_400s(media_account, path, body, param):
    request = {"model": "google/imagen-4.0-generate-001", "prompt": "a fox"}
    request.update(body)
    request = {k: v for k, v in request.items() if v is not None}
    r, raw = post(media_account, path, request)
    if param == "size" and "bfl/flux-pro-1.1-ultra" == request["model"]:
        # FLUX 1.1 [pro] Ultra takes ratios: a 1:1 size is used as its ratio, so this one succeeds.
        assert r.status_code == 200, r.text
        return
    assert r.status_code == 400, r.text
    assert raw["error"]["param"] == param, raw
    assert media_account.usage()["recent_logs"] == [] or all(
        Decimal(str(row["credits_charged"])) == 0 for row in media_account.usage()["recent_logs"])
    assert_nothing_charged(media_account)


def test_url_format_for_providers_that_answer_bytes_is_a_data_url(media_account):
    """Imagen and Gemini answer image bytes and the gateway stores nothing: `url` gives a data: URL."""
    for model in ("google/imagen-4.0-generate-001", "google/gemini-2.5-flash-image", "openai/gpt-image-1"):
        resp = media_account.client().images.generate(model=model, prompt="a fox", response_format="url")
        url = resp.data[0].url
        assert url.startswith("data:image/png;base64,"), (model, url[:40])
        assert base64.b64decode(url.split(",", 1)[1])[:4] == b"\x89PNG"
        assert resp.data[0].b64_json is None
