"""Image and embeddings responses validate against OpenAI's published schemas (ImagesResponse,
CreateEmbeddingResponse in ../shared/reference/openai-openapi.json, or the copy named by OPENAI_OPENAPI_JSON)."""
import json
import os
import pathlib

import jsonschema
import pytest
import referencing

from media_support import ROOT, e2e

CANDIDATES = [os.environ.get("OPENAI_OPENAPI_JSON"), "/work/shared/reference/openai-openapi.json",
              str(ROOT.parent / "shared/reference/openai-openapi.json")]


@pytest.fixture(scope="module")
def schemas():
    path = next((p for p in CANDIDATES if p and pathlib.Path(p).is_file()), None)
    if path is None:
        pytest.skip("openai-openapi.json is not available")
    document = json.loads(pathlib.Path(path).read_text())
    resource = referencing.Resource.from_contents(document, default_specification=referencing.jsonschema.DRAFT202012)
    registry = referencing.Registry().with_resource("openapi", resource)

    def validator(name):
        return jsonschema.Draft202012Validator({"$ref": "openapi#/components/schemas/" + name}, registry=registry)
    return validator


def post(account, path, body):
    with account.http() as c:
        r = c.post(path, json=body, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize("body", [
    {"model": "openai/gpt-image-1", "prompt": "a fox", "n": 2, "quality": "low"},
    {"model": "bfl/flux-2-pro", "prompt": "a fox", "response_format": "url"},
    {"model": "google/imagen-4.0-generate-001", "prompt": "a fox", "size": "1024x1024"},
])
def test_images_response_schema(media_account, schemas, body):
    response = post(media_account, "/v1/images/generations", body)
    schemas("ImagesResponse").validate(response)


@pytest.mark.parametrize("model", ["openai/text-embedding-3-small", "google/gemini-embedding-001"])
def test_embeddings_response_schema(media_account, schemas, model):
    response = post(media_account, "/v1/embeddings", {"model": model, "input": ["a", "b c"], "dimensions": 8,
                                                      "encoding_format": "float"})
    schemas("CreateEmbeddingResponse").validate(response)
    assert e2e  # the shared helpers loaded
