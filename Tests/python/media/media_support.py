"""Shared helpers of the media end-to-end tests (kept out of conftest.py so test modules can import them
without `from conftest import`, which is ambiguous when several suites have a conftest.py)."""
import importlib.util
import pathlib
import sys

from decimal import ROUND_HALF_UP, Decimal

import httpx

ROOT = pathlib.Path(__file__).resolve().parents[3]
if "layers_e2e_support" in sys.modules:
    e2e = sys.modules["layers_e2e_support"]
else:
    _spec = importlib.util.spec_from_file_location("layers_e2e_support", ROOT / "Tests/python/e2e/conftest.py")
    e2e = importlib.util.module_from_spec(_spec)
    sys.modules["layers_e2e_support"] = e2e
    _spec.loader.exec_module(e2e)


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
