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
