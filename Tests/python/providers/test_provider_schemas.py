"""Every chat response and stream chunk the provider adapters produce validates against OpenAI's schemas.

The Swift tests (LayersGatewayTests) write what the adapters return, for every provider, to
$LAYERS_PROVIDER_SAMPLES (default: <tmp>/layers-provider-samples); a snapshot is committed under samples/ so
the check also runs when the Swift suite has not run first.
"""
import copy
import glob
import json
import os
import tempfile

import jsonschema
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMAS = json.load(open(os.path.join(HERE, "openai_chat_schemas.json")))


def openapi_to_jsonschema(node):
    """OpenAPI's `nullable: true` -> JSON Schema's null type (jsonschema ignores `nullable`)."""
    if isinstance(node, list):
        return [openapi_to_jsonschema(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: openapi_to_jsonschema(v) for k, v in node.items()}
    if node.pop("nullable", False):
        if "$ref" in node:
            ref = {"$ref": node.pop("$ref")}
            node = {"anyOf": [ref, {"type": "null"}], **node}
        else:
            if isinstance(node.get("type"), str):
                node["type"] = [node["type"], "null"]
            if "enum" in node and None not in node["enum"]:
                node["enum"] = node["enum"] + [None]
    return node


COMPONENTS = openapi_to_jsonschema(copy.deepcopy(SCHEMAS["components"]))


def validator(name):
    schema = {"$ref": "#/components/schemas/" + name, "components": COMPONENTS}
    return jsonschema.Draft202012Validator(schema)


RESPONSE = validator("CreateChatCompletionResponse")
CHUNK = validator("CreateChatCompletionStreamResponse")


def sample_files():
    dirs = [os.environ.get("LAYERS_PROVIDER_SAMPLES") or os.path.join(tempfile.gettempdir(), "layers-provider-samples"),
            os.path.join(HERE, "samples")]
    files = []
    for d in dirs:
        files.extend(sorted(glob.glob(os.path.join(d, "*.json"))))
    return files


FILES = sample_files()


def test_there_are_samples_for_every_provider():
    names = " ".join(os.path.basename(f) for f in FILES)
    for provider in ("openai", "perplexity", "anthropic", "gemini"):
        assert "response-" + provider in names, provider
        assert "chunks-" + provider in names, provider


@pytest.mark.parametrize("path", FILES, ids=lambda p: os.path.relpath(p, tempfile.gettempdir())
                         if p.startswith(tempfile.gettempdir()) else os.path.relpath(p, HERE))
def test_sample_matches_openai_schema(path):
    data = json.load(open(path))
    if os.path.basename(path).startswith("response-"):
        errors = list(RESPONSE.iter_errors(data))
        assert not errors, [e.message + " at " + "/".join(map(str, e.absolute_path)) for e in errors]
        assert data["object"] == "chat.completion"
        for choice in data["choices"]:
            assert choice["finish_reason"] in ("stop", "length", "tool_calls", "content_filter")
            for call in choice["message"].get("tool_calls") or []:
                json.loads(call["function"]["arguments"])
        assert data["usage"]["total_tokens"] == data["usage"]["prompt_tokens"] + data["usage"]["completion_tokens"]
    else:
        assert data, "a stream produced no chunks"
        for i, chunk in enumerate(data):
            errors = list(CHUNK.iter_errors(chunk))
            assert not errors, (i, [e.message + " at " + "/".join(map(str, e.absolute_path)) for e in errors])
            assert chunk["object"] == "chat.completion.chunk"
        assert len({c["id"] for c in data}) == 1, "every chunk of a stream has the same id"
        last = data[-1]
        assert last["choices"] == [] and last["usage"]["prompt_tokens"] >= 0, "the stream ends with a usage chunk"
        assert sum(1 for c in data if c.get("usage")) == 1
        finishes = [ch["finish_reason"] for c in data for ch in c["choices"] if ch.get("finish_reason")]
        assert finishes, "a finish reason is sent"
