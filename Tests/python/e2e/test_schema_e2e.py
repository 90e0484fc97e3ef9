"""What the gateway sends validates against OpenAI's published schemas (the vendored subset of
/work/shared/reference/openai-openapi.json kept in Tests/python/core), for every adapter and the sandbox."""
import copy
import json
import pathlib

import jsonschema
import pytest

HERE = pathlib.Path(__file__).resolve().parent
VENDORED = HERE.parent / "core" / "openai_chat_schemas.json"


def _nullable(node):
    if isinstance(node, dict):
        node = {k: _nullable(v) for k, v in node.items()}
        if node.pop("nullable", False):
            node = {"anyOf": [node, {"type": "null"}]}
        return node
    if isinstance(node, list):
        return [_nullable(v) for v in node]
    return node


@pytest.fixture(scope="module")
def validator():
    components = _nullable(copy.deepcopy(json.loads(VENDORED.read_text())["components"]))

    def make(name):
        return jsonschema.Draft202012Validator({"$ref": "#/components/schemas/%s" % name, "components": components})
    return make


MODELS = ["openai/gpt-4o", "anthropic/claude-sonnet-4.5", "google/gemini-2.5-flash"]


@pytest.mark.parametrize("sandbox", [False, True])
@pytest.mark.parametrize("model", MODELS)
def test_responses_and_chunks_match_the_openai_schema(account, validator, model, sandbox):
    key = account.test_key if sandbox else account.live_key
    response_schema = validator("CreateChatCompletionResponse")
    chunk_schema = validator("CreateChatCompletionStreamResponse")
    tools = [{"type": "function", "function": {"name": "f", "parameters": {
        "type": "object", "properties": {"x": {"type": "integer"}}, "required": ["x"]}}}]
    bodies = [
        {"model": model, "messages": [{"role": "user", "content": "hi"}]},
        {"model": model, "messages": [{"role": "user", "content": "call it [[scenario:tool_call]]"}], "tools": tools},
    ]
    with account.http(key) as c:
        for body in bodies:
            r = c.post("/v1/chat/completions", json=body)
            assert r.status_code == 200, r.text
            response_schema.validate(r.json())
            with c.stream("POST", "/v1/chat/completions", json=dict(body, stream=True)) as s:
                assert s.status_code == 200
                events = [line[6:] for line in s.iter_lines() if line.startswith("data: ")]
            assert events[-1] == "[DONE]"
            for e in events[:-1]:
                chunk_schema.validate(json.loads(e))


def test_error_bodies_match_the_openai_schema(account, validator):
    schema = validator("ErrorResponse")
    with account.http() as c:
        for body in [{"model": "openai/gpt-4o"}, {"model": "nope/nope", "messages": [{"role": "user", "content": "x"}]}]:
            r = c.post("/v1/chat/completions", json=body)
            assert r.status_code in (400, 404)
            schema.validate(r.json())
