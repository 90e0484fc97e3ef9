"""Validates the JSON that LayersCore writes against OpenAI's published OpenAPI schemas.

The fixtures are written by the Swift test `ChatCompletionOutputTests.testSchemaFixturesAreCurrent`
(which also fails if they go stale), so what is validated here is exactly what the Swift
types produce.
"""
import copy
import json
import pathlib

import jsonschema
import pytest

HERE = pathlib.Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
# A committed subset of OpenAI's spec (the schemas below and all they reference), so the test
# runs from a fresh clone; `test_vendored_schemas_match_full_spec` checks it against the full
# spec when that is available.
VENDORED = HERE / "openai_chat_schemas.json"
FULL_SPEC = [HERE.parents[2].parent / "shared" / "reference" / "openai-openapi.json",
             pathlib.Path("/work/shared/reference/openai-openapi.json")]


def _openapi_to_jsonschema(node):
    """OpenAPI 3.0's `nullable: true` is not JSON Schema: turn it into an explicit null branch."""
    if isinstance(node, dict):
        node = {k: _openapi_to_jsonschema(v) for k, v in node.items()}
        if node.pop("nullable", False):
            node = {"anyOf": [node, {"type": "null"}]}
        return node
    if isinstance(node, list):
        return [_openapi_to_jsonschema(v) for v in node]
    return node


@pytest.fixture(scope="module")
def components():
    spec = json.loads(VENDORED.read_text())
    return _openapi_to_jsonschema(copy.deepcopy(spec["components"]))


def _validator(components, name):
    schema = {"$ref": f"#/components/schemas/{name}", "components": components}
    return jsonschema.Draft202012Validator(schema)


def _load(name):
    return json.loads((FIXTURES / name).read_text())


def test_responses_match_create_chat_completion_response(components):
    validator = _validator(components, "CreateChatCompletionResponse")
    samples = _load("chat_completion_responses.json")
    assert samples
    for sample in samples:
        validator.validate(sample)
        for choice in sample["choices"]:
            assert choice["message"]["role"] == "assistant"
            assert "content" in choice["message"] and "refusal" in choice["message"]


def test_chunks_match_create_chat_completion_stream_response(components):
    validator = _validator(components, "CreateChatCompletionStreamResponse")
    samples = _load("chat_completion_chunks.json")
    assert samples
    for sample in samples:
        validator.validate(sample)
    # The usage chunk has no choices and a full usage object.
    assert samples[-1]["choices"] == [] and samples[-1]["usage"]["total_tokens"] > 0


def test_usage_matches_completion_usage(components):
    validator = _validator(components, "CompletionUsage")
    for sample in _load("completion_usages.json"):
        validator.validate(sample)
        assert sample["total_tokens"] == sample["prompt_tokens"] + sample["completion_tokens"]


def test_error_bodies_have_openai_shape(components):
    # ErrorResponse in the spec: {"error": Error{code, message, param, type}}.
    validator = _validator(components, "ErrorResponse")
    samples = _load("error_bodies.json")
    assert len(samples) >= 20
    for sample in samples:
        validator.validate(sample)
        error = sample["error"]
        assert list(error)[:4] == ["message", "type", "param", "code"]


def test_validators_reject_a_broken_sample(components):
    """Guard against a vacuous schema: a chunk without `choices[].delta` must fail."""
    validator = _validator(components, "CreateChatCompletionStreamResponse")
    broken = {"id": "x", "object": "chat.completion.chunk", "created": 1, "model": "m",
              "choices": [{"index": 0, "finish_reason": None}]}
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(broken)
    response_validator = _validator(components, "CreateChatCompletionResponse")
    with pytest.raises(jsonschema.ValidationError):
        response_validator.validate({"id": "x", "object": "chat.completion", "created": 1, "model": "m",
                                     "choices": [{"index": 0, "message": {"role": "assistant", "content": "x", "refusal": None},
                                                  "logprobs": None, "finish_reason": "done"}]})


def test_vendored_schemas_match_full_spec():
    full = next((p for p in FULL_SPEC if p.exists()), None)
    if full is None:
        pytest.skip("full openai-openapi.json not available")
    schemas = json.loads(full.read_text())["components"]["schemas"]
    vendored = json.loads(VENDORED.read_text())["components"]["schemas"]
    for name, schema in vendored.items():
        assert schemas[name] == schema, name
