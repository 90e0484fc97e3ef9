"""Shared helpers of the media end-to-end tests (kept out of conftest.py so test modules can import them
without `from conftest import`, which is ambiguous when several suites have a conftest.py). conftest.py puts this
directory and Tests/python (for `support`) on sys.path."""
import pathlib

from decimal import ROUND_HALF_UP, Decimal

import httpx

from support import e2e  # noqa: F401  (accounts, decimals and polling, shared with the chat e2e suite)

ROOT = pathlib.Path(__file__).resolve().parents[3]


def media_requests(fakes):
    return httpx.get(fakes + "/_media/requests", timeout=10).json()


def clear_media_requests(fakes):
    httpx.delete(fakes + "/_media/requests", timeout=10)


def chat_requests(fakes):
    """Requests the chat fakes received (forwarded through the media fake)."""
    return httpx.get(fakes + "/_fake/requests", timeout=10).json()


def embedding_credits(tokens, usd_per_million, margin_bps=6000):
    """Credits of `tokens` input tokens at a per-1M price, with the margin, rounded once half-up to the micro-credit."""
    pico = tokens * int(Decimal(usd_per_million) * 1_000_000)
    micro = (Decimal(pico) * Decimal(10000 + margin_bps) / Decimal(10000) / Decimal(10000)).quantize(
        Decimal(1), ROUND_HALF_UP)
    return micro / Decimal(1_000_000)
