"""Refusals that happen before any handler runs (the HTTP server's 413/400/408, the router's 404/405) are in
Anthropic's error shape on /v1/messages, so the official `anthropic` SDK raises its matching exception with
Anthropic's error type; every other route keeps OpenAI's shape.

The server here has small limits (LAYERS_MAX_BODY_BYTES=65536, LAYERS_HTTP_BODY_TIMEOUT_MS=300). The refusals come
before authentication, so the key is only well formed."""
import json
import socket

import anthropic
import httpx
import pytest

from support.servers import start_server

MAX_BODY = 65536
KEY = "lyr_test_" + "A" * 43


@pytest.fixture(scope="module")
def small_server(media_database_url, media_fakes):
    proc, base = start_server(media_database_url, media_fakes, LAYERS_MAX_BODY_BYTES=str(MAX_BODY),
                              LAYERS_HTTP_BODY_TIMEOUT_MS="300")
    try:
        yield base
    finally:
        proc.stop()


def anthropic_client(base):
    return anthropic.Anthropic(base_url=base, api_key=KEY, max_retries=0, timeout=30)


def raw_exchange(base, request):
    """Sends raw bytes, returns (status, headers, body bytes) of the one response; the server closes after it."""
    host, port = base.rsplit("/", 1)[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(request)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def assert_anthropic_error(body, error_type):
    assert body["type"] == "error", body
    assert body["error"]["type"] == error_type, body
    assert body["error"]["message"], body
    assert body["request_id"], body


def test_too_large_message_raises_content_too_large_with_request_too_large(small_server):
    client = anthropic_client(small_server)
    with pytest.raises(anthropic.ContentTooLargeError) as raised:
        client.messages.create(model="openai/gpt-4o", max_tokens=16,
                               messages=[{"role": "user", "content": "x" * (MAX_BODY + 1)}])
    error = raised.value
    assert error.status_code == 413
    assert error.type == "request_too_large"
    assert error.api_message == "Request body too large"
    assert_anthropic_error(error.body, "request_too_large")
    assert error.body["request_id"] == error.response.headers["x-request-id"]
    assert error.request_id == error.body["request_id"], "the SDK reads Anthropic's request-id header"
    assert error.response.headers["connection"] == "close"

    with pytest.raises(anthropic.ContentTooLargeError) as raised:
        client.messages.count_tokens(model="openai/gpt-4o",
                                     messages=[{"role": "user", "content": "x" * (MAX_BODY + 1)}])
    assert raised.value.type == "request_too_large"


def test_too_large_body_elsewhere_keeps_openai_shape(small_server):
    r = httpx.post(small_server + "/v1/chat/completions", headers={"authorization": "Bearer " + KEY},
                   content=json.dumps({"model": "openai/gpt-4o", "messages": [
                       {"role": "user", "content": "x" * (MAX_BODY + 1)}]}), timeout=30)
    assert r.status_code == 413
    body = r.json()
    # The documented gateway error (docs/api.md): OpenAI's shape, code request_too_large, the limit in max_bytes.
    assert body["error"]["type"] == "invalid_request_error"
    assert body["error"]["code"] == "request_too_large"
    assert body["error"]["max_bytes"] == MAX_BODY
    assert str(MAX_BODY) in body["error"]["message"]
    assert r.headers["x-request-id"]


def test_malformed_and_slow_requests_on_messages_are_anthropic_shaped(small_server):
    status, headers, body = raw_exchange(
        small_server, b"POST /v1/messages HTTP/1.1\r\nHost: t\r\nContent-Length: 1, 2\r\n\r\n")
    assert status == 400
    assert headers["content-type"] == "application/json"
    assert_anthropic_error(json.loads(body), "invalid_request_error")

    # The body stops arriving: 408 after LAYERS_HTTP_BODY_TIMEOUT_MS.
    status, _, body = raw_exchange(
        small_server, b"POST /v1/messages?beta=true HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n{\"mo")
    assert status == 408
    assert_anthropic_error(json.loads(body), "timeout_error")

    status, _, body = raw_exchange(
        small_server, b"POST /v1/chat/completions HTTP/1.1\r\nHost: t\r\nContent-Length: 1, 2\r\n\r\n")
    assert status == 400
    assert "type" not in json.loads(body) and json.loads(body)["error"]["type"] == "invalid_request_error"


def test_unknown_route_and_wrong_method_under_messages_are_anthropic_shaped(small_server):
    client = anthropic_client(small_server)
    with pytest.raises(anthropic.NotFoundError) as raised:
        client.messages.batches.list()
    assert raised.value.type == "not_found_error"
    assert_anthropic_error(raised.value.body, "not_found_error")

    r = httpx.get(small_server + "/v1/messages", timeout=10)
    assert r.status_code == 405
    assert r.headers["allow"] == "POST, OPTIONS"
    assert_anthropic_error(r.json(), "invalid_request_error")
