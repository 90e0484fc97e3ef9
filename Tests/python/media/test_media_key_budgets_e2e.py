"""Key budgets hold for images and embeddings too: a key whose budget cannot cover the request's estimate is
refused with 402 `key_budget_exceeded` before anything is held or any provider is called."""
from decimal import Decimal

import openai
import pytest

from media_support import clear_media_requests, e2e, media_requests


def capped_key(account, budget):
    with account.http() as c:
        r = c.post("/api/keys", json={"name": "capped", "monthly_budget": budget})
        assert r.status_code == 201, r.text
        return r.json()["key"]


def test_image_over_the_key_budget_is_refused_before_the_provider(media_account, media_fakes):
    key = capped_key(media_account, "4")   # one 1 MP flux-2-pro image is 4.8 credits
    clear_media_requests(media_fakes)
    with pytest.raises(openai.APIStatusError) as refused:
        media_account.client(key).images.generate(model="bfl/flux-2-pro", prompt="a fox", size="1024x1024")
    assert refused.value.status_code == 402
    assert refused.value.body["code"] == "key_budget_exceeded"
    assert Decimal(str(refused.value.body["budget"])) == 4
    assert Decimal(str(refused.value.body["spent"])) == 0
    assert Decimal(str(refused.value.body["required"])) == Decimal("4.8")
    assert media_requests(media_fakes) == []
    balance = media_account.balance()
    assert Decimal(str(balance["credits"])) == 100 and Decimal(str(balance["reserved"])) == 0

    # The same request fits a budget of 5 once, not twice.
    key5 = capped_key(media_account, "5")
    client = media_account.client(key5)
    client.images.generate(model="bfl/flux-2-pro", prompt="a fox", size="1024x1024")
    with pytest.raises(openai.APIStatusError) as again:
        client.images.generate(model="bfl/flux-2-pro", prompt="a fox", size="1024x1024")
    assert again.value.body["code"] == "key_budget_exceeded"
    assert Decimal(str(again.value.body["spent"])) == Decimal("4.8")


def test_embeddings_with_a_zero_budget_are_refused(media_account):
    key = capped_key(media_account, "0")
    with pytest.raises(openai.APIStatusError) as refused:
        media_account.client(key).embeddings.create(model="openai/text-embedding-3-small", input="hello world")
    assert refused.value.status_code == 402
    assert refused.value.body["code"] == "key_budget_exceeded"
    assert Decimal(str(refused.value.body["required"])) > 0
