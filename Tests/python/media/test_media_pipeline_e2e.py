"""Images and embeddings share chat's pipeline: the hold is really taken while the provider works (and released
when it fails), the per-request cost cap and the balance check come before any provider call, and the same
per-user rate-limit bucket covers chat, images, embeddings and /v1/messages."""
import threading
from decimal import Decimal

import httpx
import openai
import pytest

from media_support import clear_media_requests, e2e, media_requests


def test_a_bfl_generation_holds_its_estimate_until_it_ends(media_account):
    """While BFL is polled the balance shows the hold for n images at the requested size; when the deadline
    passes the hold is released and nothing is charged."""
    outcome = {}

    def generate():
        try:
            media_account.client().images.generate(model="bfl/flux-2-pro", prompt="a fox [[media:never_finish]]",
                                                   size="1920x1080", n=2)
        except openai.APIStatusError as e:
            outcome["status"] = e.status_code

    worker = threading.Thread(target=generate)
    worker.start()
    try:
        held = e2e.wait_until(lambda: Decimal(str(media_account.balance()["reserved"])) or None, timeout=20)
        # 2 images at 1920x1080 (1.99 MP): 2 x ($0.03 + $0.015) x 1.6 = 14.4 credits.
        assert held == Decimal("14.4")
    finally:
        worker.join(timeout=30)
    assert outcome == {"status": 504}
    balance = media_account.balance()
    assert Decimal(str(balance["reserved"])) == 0 and Decimal(str(balance["credits"])) == Decimal(100)


def test_cost_cap_and_balance_are_checked_before_the_provider(media_account, make_media_account, media_fakes):
    clear_media_requests(media_fakes)
    client = media_account.client()
    # 4 x $0.25 (gpt-image-1 high 1536x1024) x 1.6 = 160 credits, above the 100-credit cap.
    with pytest.raises(openai.BadRequestError) as capped:
        client.images.generate(model="openai/gpt-image-1", prompt="a fox", size="1536x1024", quality="high", n=4)
    assert capped.value.body["code"] == "request_cost_limit_exceeded"
    poor = make_media_account(credits="0.000001")
    with pytest.raises(openai.APIStatusError) as short:
        poor.client().embeddings.create(model="openai/text-embedding-3-large", input="x" * 4000)
    assert short.value.status_code == 402 and short.value.body["code"] == "insufficient_credits"
    with pytest.raises(openai.APIStatusError) as short_image:
        poor.client().images.generate(model="google/imagen-4.0-generate-001", prompt="a fox")
    assert short_image.value.status_code == 402
    assert media_requests(media_fakes) == []
    assert Decimal(str(media_account.balance()["credits"])) == Decimal(100)


def test_one_rate_limit_bucket_for_every_endpoint(make_media_account):
    """The free tier's bucket holds 10 requests: chat, images, embeddings and /v1/messages all draw from it."""
    account = make_media_account(tier="free")
    client = account.client()
    client.chat.completions.create(model="openai/gpt-4o", messages=[{"role": "user", "content": "hi"}])
    client.images.generate(model="google/imagen-4.0-fast-generate-001", prompt="a fox")
    client.embeddings.create(model="openai/text-embedding-3-small", input="hi")
    headers = {"x-api-key": account.live_key}
    r = httpx.post(account.server + "/v1/messages", headers=headers, timeout=30,
                   json={"model": "openai/gpt-4o", "max_tokens": 16, "messages": [{"role": "user", "content": "hi"}]})
    assert r.status_code == 200, r.text
    assert int(r.headers["x-ratelimit-remaining"]) <= 6
    statuses = []
    for _ in range(12):
        try:
            client.embeddings.create(model="openai/text-embedding-3-small", input="hi")
            statuses.append(200)
        except openai.RateLimitError as e:
            statuses.append(429)
            assert e.body["code"] == "rate_limit_exceeded" and int(e.response.headers["retry-after"]) >= 1
            break
    assert statuses[-1] == 429 and len(statuses) <= 9, statuses  # separate buckets would allow 10
