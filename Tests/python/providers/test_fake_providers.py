"""The fake providers reject what the real APIs reject, so adapter tests that pass against them mean something."""
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

FAKES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "fakes", "fake_providers.py")


@pytest.fixture(scope="module")
def base():
    proc = subprocess.Popen([sys.executable, FAKES, "--port", "0", "--exit-on-stdin-eof"], stdout=subprocess.PIPE,
                            stdin=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line.startswith("PORT "), line
    yield "http://127.0.0.1:%d" % int(line.split()[1])
    proc.stdin.close()
    proc.wait(timeout=5)


def post(url, body, headers):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


ANTHROPIC = {"x-api-key": "k", "anthropic-version": "2023-06-01", "content-type": "application/json"}
TOOL = {"name": "f", "input_schema": {"type": "object", "properties": {"a": {"type": "string"}}}}


def anthropic(base, body, headers=ANTHROPIC):
    full = {"model": "claude-sonnet-4-5", "max_tokens": 100}
    full.update(body)
    return post(base + "/anthropic/v1/messages", full, headers)


def use_turns(thinking_first=False):
    blocks = [{"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}}]
    if thinking_first:
        blocks.insert(0, {"type": "thinking", "thinking": "t", "signature": "s"})
    return [{"role": "user", "content": "go"}, {"role": "assistant", "content": blocks}]


@pytest.mark.parametrize("body,fragment", [
    ({"max_tokens": None, "messages": [{"role": "user", "content": "hi"}]}, "max_tokens"),
    ({"messages": [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}]}, "alternate"),
    ({"messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "b"}]}, "role"),
    ({"messages": [{"role": "assistant", "content": "a"}]}, "first message"),
    ({"messages": [{"role": "user", "content": [{"type": "text", "text": ""}]}]}, "non-empty"),
    ({"tools": [TOOL], "messages": use_turns() + [{"role": "user", "content": [
        {"type": "text", "text": "x"}, {"type": "tool_result", "tool_use_id": "toolu_1", "content": "r"}]}]}, "first"),
    ({"tools": [TOOL], "messages": use_turns() + [{"role": "user", "content": "no result"}]}, "without tool_result"),
    ({"tools": [TOOL], "thinking": {"type": "enabled", "budget_tokens": 1024}, "max_tokens": 2000,
      "messages": use_turns() + [{"role": "user", "content": [
          {"type": "tool_result", "tool_use_id": "toolu_1", "content": "r"}]}]}, "thinking"),
    ({"thinking": {"type": "enabled", "budget_tokens": 500}, "messages": [{"role": "user", "content": "x"}]},
     "budget_tokens"),
    ({"messages": [{"role": "user", "content": [{"type": "text", "text": "x", "cache_control": {"type": "ephemeral"}}
                                                 for _ in range(5)]}]}, "maximum of 4"),
    ({"messages": [{"role": "user", "content": "x"}], "frequency_penalty": 1}, "Extra inputs"),
])
def test_anthropic_fake_rejects_what_anthropic_rejects(base, body, fragment):
    body = {k: v for k, v in body.items()}
    if body.get("max_tokens", 0) is None:
        body.pop("max_tokens")
        status, _, text = post(base + "/anthropic/v1/messages", dict(model="m", **body), ANTHROPIC)
    else:
        status, _, text = anthropic(base, body)
    assert status == 400, text
    assert json.loads(text)["error"]["type"] == "invalid_request_error"
    assert fragment in text


def test_anthropic_fake_accepts_a_valid_thinking_tool_continuation(base):
    status, _, text = anthropic(base, {"tools": [TOOL], "thinking": {"type": "enabled", "budget_tokens": 1024},
                                       "max_tokens": 2000, "messages": use_turns(True) + [{"role": "user", "content": [
                                           {"type": "tool_result", "tool_use_id": "toolu_1", "content": "r"}]}]})
    assert status == 200, text


def test_anthropic_fake_auth_and_scripted_errors(base):
    assert anthropic(base, {"messages": [{"role": "user", "content": "x"}]},
                     {"anthropic-version": "2023-06-01"})[0] == 401
    assert anthropic(base, {"messages": [{"role": "user", "content": "x"}]},
                     {"x-api-key": "k"})[0] == 400
    status, headers, text = anthropic(base, {"messages": [{"role": "user", "content": "x [[scenario:error_529]]"}]})
    assert status == 529 and json.loads(text)["error"]["type"] == "overloaded_error"
    status, headers, _ = anthropic(base, {"messages": [{"role": "user", "content": "x [[scenario:error_429]]"}]})
    assert status == 429 and headers.get("retry-after") == "7"


OPENAI = {"authorization": "Bearer k", "content-type": "application/json"}


@pytest.mark.parametrize("body,status", [
    ({"model": "m", "messages": [{"role": "user", "content": "x"}], "layers": {}}, 400),
    ({"model": "m", "messages": [{"role": "user", "content": "x"}], "stream_options": {"include_usage": True}}, 400),
    ({"model": "m", "messages": [{"role": "user", "content": "x"}, {"role": "tool", "tool_call_id": "c",
                                                                        "content": "r"}]}, 400),
    ({"model": "m", "messages": [{"role": "assistant", "tool_calls": [{"id": "c", "type": "function", "function": {
        "name": "f", "arguments": "{}"}}]}, {"role": "user", "content": "x"}]}, 400),
    ({"model": "m", "messages": [{"role": "user", "content": "x"}]}, 200),
    ({"model": "o3", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]}, 400),
    ({"model": "gpt-5", "temperature": 0.2, "messages": [{"role": "user", "content": "x"}]}, 400),
    ({"model": "gpt-5", "max_completion_tokens": 5, "reasoning_effort": "low",
      "messages": [{"role": "user", "content": "x"}]}, 200),
    ({"model": "gpt-4o", "reasoning_effort": "low", "messages": [{"role": "user", "content": "x"}]}, 400),
    ({"model": "gpt-4o", "temperature": 0.2, "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]}, 200),
])
def test_openai_fake_validation(base, body, status):
    assert post(base + "/openai/v1/chat/completions", body, OPENAI)[0] == status


def test_perplexity_fake_rejects_tools(base):
    body = {"model": "sonar", "messages": [{"role": "user", "content": "x"}],
            "tools": [{"type": "function", "function": {"name": "f"}}]}
    assert post(base + "/perplexity/chat/completions", body, OPENAI)[0] == 400


GEMINI = {"x-goog-api-key": "k", "content-type": "application/json"}


def gemini(base, body, model="gemini-2.5-flash", headers=GEMINI):
    return post(base + "/gemini/v1beta/models/%s:generateContent" % model, body, headers)


CALL_TURNS = [{"role": "user", "parts": [{"text": "go"}]},
              {"role": "model", "parts": [{"functionCall": {"name": "f", "args": {}}}]}]


@pytest.mark.parametrize("body,model", [
    ({"contents": [{"role": "user", "parts": [{"text": "x"}]}], "temperature": 1}, "gemini-2.5-flash"),
    ({"contents": [{"role": "user", "parts": [{"text": "x"}]}], "generationConfig": {"max_tokens": 5}},
     "gemini-2.5-flash"),
    ({"contents": CALL_TURNS + [{"role": "user", "parts": [{"text": "no response"}]}]}, "gemini-2.5-flash"),
    ({"contents": CALL_TURNS + [{"role": "user", "parts": [{"functionResponse": {"name": "f", "response": {}}},
                                                            {"functionResponse": {"name": "f", "response": {}}}]}]},
     "gemini-2.5-flash"),
    ({"contents": CALL_TURNS + [{"role": "user", "parts": [{"functionResponse": {"name": "f", "response": {}}}]}]},
     "gemini-3-pro-preview"),
    ({"contents": [{"role": "assistant", "parts": [{"text": "x"}]}]}, "gemini-2.5-flash"),
])
def test_gemini_fake_validation(base, body, model):
    status, _, text = gemini(base, body, model)
    assert status == 400, text
    assert json.loads(text)["error"]["status"] == "INVALID_ARGUMENT"


def test_gemini_fake_bad_key_is_400_api_key_invalid_and_retry_info(base):
    status, _, text = gemini(base, {"contents": [{"parts": [{"text": "x"}]}]}, headers={"x-goog-api-key": "bad"})
    assert status == 400 and "API_KEY_INVALID" in text
    status, _, text = gemini(base, {"contents": [{"parts": [{"text": "x [[scenario:error_429]]"}]}]})
    assert status == 429 and json.loads(text)["error"]["details"][0]["retryDelay"] == "7s"


# ---------------------------------------------------------------- errors and streams in each provider's shape
import http.client  # noqa: E402


def scenario_request(provider, scenario, stream=False, key="k"):
    """(path, body, headers) for a minimal request to `provider` selecting `scenario`."""
    text = "hi [[scenario:%s]]" % scenario if scenario else "hi"
    if provider == "anthropic":
        body = {"model": "claude-sonnet-4-5", "max_tokens": 100, "messages": [{"role": "user", "content": text}]}
        if stream:
            body["stream"] = True
        return "/anthropic/v1/messages", body, dict(ANTHROPIC, **{"x-api-key": key})
    if provider == "gemini":
        action = "streamGenerateContent?alt=sse" if stream else "generateContent"
        return ("/gemini/v1beta/models/gemini-2.5-flash:" + action, {"contents": [{"parts": [{"text": text}]}]},
                dict(GEMINI, **{"x-goog-api-key": key}))
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": text}]}
    if stream:
        body.update(stream=True, stream_options={"include_usage": True})
    return "/openai/v1/chat/completions", body, dict(OPENAI, authorization="Bearer " + key)


def raw_post(base, path, body, headers):
    """(status, headers, body bytes, complete): `complete` is False when the server cut the body short."""
    host, port = base.replace("http://", "").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.request("POST", path, body=json.dumps(body), headers=headers)
    resp = conn.getresponse()
    try:
        data, complete = resp.read(), True
    except http.client.IncompleteRead as e:
        data, complete = e.partial, False
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data, complete


def sse_events(data):
    """[(event name or None, parsed data or raw string)] of an SSE body."""
    events = []
    for block in data.decode().replace("\r\n", "\n").split("\n\n"):
        name, lines = None, []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                lines.append(line[5:].strip())
        if lines:
            payload = "\n".join(lines)
            events.append((name, payload if payload == "[DONE]" else json.loads(payload)))
    return events


@pytest.mark.parametrize("provider,status,kind", [
    ("openai", 400, "invalid_request_error"), ("openai", 401, "invalid_request_error"),
    ("openai", 403, "permission_denied"), ("openai", 429, "rate_limit_exceeded"), ("openai", 500, "server_error"),
    ("openai", 503, "server_error"),
    ("anthropic", 400, "invalid_request_error"), ("anthropic", 401, "authentication_error"),
    ("anthropic", 403, "permission_error"), ("anthropic", 429, "rate_limit_error"), ("anthropic", 500, "api_error"),
    ("anthropic", 529, "overloaded_error"),
    ("gemini", 400, "INVALID_ARGUMENT"), ("gemini", 401, "UNAUTHENTICATED"), ("gemini", 403, "PERMISSION_DENIED"),
    ("gemini", 429, "RESOURCE_EXHAUSTED"), ("gemini", 500, "INTERNAL"), ("gemini", 503, "UNAVAILABLE"),
])
@pytest.mark.parametrize("stream", [False, True])
def test_scripted_errors_use_each_providers_error_shape(base, provider, status, kind, stream):
    path, body, headers = scenario_request(provider, "error_%d" % status, stream)
    got, resp_headers, data, _ = raw_post(base, path, body, headers)
    assert got == status
    err = json.loads(data)
    if provider == "anthropic":
        assert err["type"] == "error" and err["error"]["type"] == kind and err["error"]["message"]
    elif provider == "gemini":
        assert err["error"]["code"] == status and err["error"]["status"] == kind and err["error"]["message"]
        if status == 429:
            assert err["error"]["details"][0]["retryDelay"] == "7s"
    else:
        assert err["error"]["type"] == kind and err["error"]["message"]
    if status == 429 and provider != "gemini":
        assert resp_headers.get("retry-after") == "7"


def test_wrong_keys_and_exhausted_accounts_answer_like_the_real_apis(base):
    for provider, status in (("openai", 401), ("anthropic", 401), ("gemini", 400)):
        path, body, headers = scenario_request(provider, None, key="bad-key")
        got, _, data, _ = raw_post(base, path, body, headers)
        assert got == status, provider
        if provider == "openai":
            assert json.loads(data)["error"]["code"] == "invalid_api_key"
        if provider == "gemini":
            assert json.loads(data)["error"]["details"][0]["reason"] == "API_KEY_INVALID"
    path, body, headers = scenario_request("openai", "insufficient_quota")
    got, _, data, _ = raw_post(base, path, body, headers)
    assert got == 429 and json.loads(data)["error"]["code"] == "insufficient_quota"
    path, body, headers = scenario_request("anthropic", "no_credit")
    got, _, data, _ = raw_post(base, path, body, headers)
    assert got == 400 and "credit balance is too low" in json.loads(data)["error"]["message"]


@pytest.mark.parametrize("provider", ["openai", "anthropic", "gemini"])
def test_streams_end_properly_or_fail_the_documented_way(base, provider):
    def final_event_seen(events):
        if provider == "openai":
            return events[-1] == (None, "[DONE]")
        if provider == "anthropic":
            return events[-1][0] == "message_stop"
        return "finishReason" in events[-1][1]["candidates"][0]

    path, body, headers = scenario_request(provider, None, stream=True)
    status, resp_headers, data, complete = raw_post(base, path, body, headers)
    assert status == 200 and complete and resp_headers["content-type"].startswith("text/event-stream")
    normal = sse_events(data)
    assert final_event_seen(normal)
    if provider == "anthropic":
        names = [n for n, _ in normal]
        assert names[0] == "message_start" and "ping" in names and names[-2] == "message_delta"
        assert all(n == d["type"] for n, d in normal), "every event name matches its data's type"

    path, body, headers = scenario_request(provider, "midstream_error", stream=True)
    status, _, data, complete = raw_post(base, path, body, headers)
    events = sse_events(data)
    assert status == 200 and complete, "the error arrives inside a 200 stream"
    name, last = events[-1]
    if provider == "anthropic":
        assert name == "error" and last["error"]["type"] == "overloaded_error"
    elif provider == "gemini":
        assert last["error"]["status"] == "UNAVAILABLE"
    else:
        assert last["error"]["message"] and len(events) >= 2

    path, body, headers = scenario_request(provider, "cut", stream=True)
    status, _, data, complete = raw_post(base, path, body, headers)
    assert status == 200 and not complete, "the connection is dropped mid-body"
    assert not sse_events(data) or not final_event_seen(sse_events(data))

    path, body, headers = scenario_request(provider, "slow:20", stream=True)
    status, _, data, complete = raw_post(base, path, body, headers)
    slow = sse_events(data)
    assert status == 200 and complete and final_event_seen(slow)
    assert len(slow) == len(normal), "a slow stream carries the same events"
