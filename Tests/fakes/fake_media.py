#!/usr/bin/env python3
"""Fake image and embedding providers for Layers tests, speaking the providers' real wire formats.

Written from the providers' public API documentation, independently of the Swift adapters:

  OpenAI images       POST /openai/v1/images/generations      (gpt-image-1: b64_json only; dall-e-3: n=1, url|b64)
  OpenAI embeddings   POST /openai/v1/embeddings               (string/array/token input, dimensions, float|base64)
  Recraft             POST /recraft/v1/images/generations      (OpenAI-style; recraftv3 sizes; url|b64_json)
  BFL FLUX            POST /bfl/v1/{model}  ->  {id, polling_url};  GET /bfl/v1/get_result?id=  (x-key auth)
  Imagen 4            POST /gemini/v1beta/models/{model}:predict            (instances/parameters)
  Gemini image        POST /gemini/v1beta/models/{model}:generateContent    (responseModalities IMAGE)
  Gemini embeddings   POST /gemini/v1beta/models/{model}:batchEmbedContents
  Gemini tokens       POST /gemini/v1beta/models/{model}:countTokens  (generateContentRequest or contents)
  Vercel AI Gateway   POST /gateway/v1/chat/completions with modalities ["image"];  POST /gateway/v1/embeddings
  Anthropic           POST /anthropic/v1/messages/count_tokens  (the chat fakes have no token counting)
  generated files     GET  /files/{name}

Scenarios go in the prompt (or embeddings input) as `[[media:<name>]]`:
  error_<status>  the provider answers that status in its own error shape (429 carries retry-after: 7)
  never_finish    BFL: the task stays Pending forever (tests the gateway's deadline)
  fail            BFL: the task ends in status Error;  Gemini image: no image, finishReason SAFETY
  moderate        BFL: Request Moderated;  Imagen: every image filtered (raiFilteredReason)
  ready_after:<k> BFL: Ready after k polls (default 2)

Requests that are not for a media endpoint are forwarded unchanged (streaming included) to `--chat-upstream`
(the chat fakes, Tests/fakes/fake_providers.py), so one base URL per provider serves chat and media alike.

    python3 Tests/fakes/fake_media.py --port 0 [--chat-upstream http://127.0.0.1:PORT]   # prints "PORT <n>"

Control: GET /_media/requests (recorded requests), DELETE /_media/requests, GET /_media/health.
"""
import argparse
import base64
import collections
import http.client
import json
import math
import re
import struct
import sys
import threading
import time
import uuid
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse
import fake_lifecycle

SCENARIO_RE = re.compile(r"\[\[media:([a-z0-9_:\-]+)\]\]")

OPENAI_IMAGE_SIZES = {
    "gpt-image-1": ["1024x1024", "1536x1024", "1024x1536", "auto"],
    "gpt-image-1-mini": ["1024x1024", "1536x1024", "1024x1536", "auto"],
    "dall-e-3": ["1024x1024", "1792x1024", "1024x1792"],
    "dall-e-2": ["256x256", "512x512", "1024x1024"],
}
RECRAFT_SIZES = ["1024x1024", "1365x1024", "1024x1365", "1536x1024", "1024x1536", "1820x1024", "1024x1820",
                 "1024x2048", "2048x1024", "1434x1024", "1024x1434", "1024x1280", "1280x1024", "1024x1707",
                 "1707x1024"]
IMAGEN_RATIOS = ["1:1", "3:4", "4:3", "9:16", "16:9"]
GEMINI_IMAGE_RATIOS = ["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"]
BFL_RATIO_RE = re.compile(r"^(\d+):(\d+)$")


def tiny_png(r=255, g=0, b=0):
    """A valid 1x1 PNG."""
    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"\x00" + bytes([r, g, b])
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


PNG = tiny_png()
PNG_B64 = base64.b64encode(PNG).decode()


class FakeError(Exception):
    def __init__(self, status, message, headers=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = collections.deque(maxlen=300)
        self.bfl_tasks = {}

    def record(self, method, path, headers, body):
        with self.lock:
            self.requests.append({"method": method, "path": path, "headers": headers, "body": body})


STATE = State()


def scenarios(*texts):
    names = {}
    for text in texts:
        if isinstance(text, str):
            for raw in SCENARIO_RE.findall(text):
                key, _, arg = raw.partition(":")
                names[key] = arg
    return names


def scenario_error(scen):
    for name in scen:
        if name.startswith("error_"):
            try:
                return int(name.split("_", 1)[1])
            except ValueError:
                pass
    return None


def vector(seed_text, dims):
    """Deterministic unit-length vector for a text."""
    seed = sum(seed_text.encode()) % 997 + 1
    values = [math.sin(seed * (i + 1)) for i in range(dims)]
    norm = math.sqrt(sum(v * v for v in values)) or 1.0
    return [round(v / norm, 6) for v in values]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-media/1"
    chat_upstream = None

    def log_message(self, fmt, *args):
        pass

    # ------------------------------------------------------------------ plumbing
    def read_body(self):
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().strip(), 16)
                if size == 0:
                    self.rfile.readline()
                    break
                data += self.rfile.read(size)
                self.rfile.readline()
            return data
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length else b""

    def send_bytes(self, status, data, content_type, headers=None):
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def send_json(self, status, obj, headers=None):
        self.send_bytes(status, json.dumps(obj).encode(), "application/json", headers)

    def base(self):
        host = self.headers.get("host") or "127.0.0.1:%d" % self.server.server_address[1]
        return "http://" + host

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def do_DELETE(self):
        self.route("DELETE")

    def route(self, method):
        url = urlparse(self.path)
        path, query = url.path, parse_qs(url.query)
        raw = self.read_body() if method in ("POST", "PUT", "PATCH") else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            if path.startswith("/_media/"):
                return self.control(method, path)
            if path.startswith("/files/"):
                return self.send_bytes(200, PNG, "image/png")
            body = None
            if raw:
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
            handler = self.media_handler(method, path, body)
            if handler is None:
                return self.forward(method, raw, headers)
            if raw and body is None:
                raise FakeError(400, "invalid JSON body")
            STATE.record(method, self.path, headers, body)
            provider, fn = handler
            try:
                return fn(path, query, headers, body or {})
            except FakeError as e:
                return self.send_error_shape(provider, e)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def media_handler(self, method, path, body):
        if method == "POST" and path == "/openai/v1/images/generations":
            return "openai", self.openai_images
        if method == "POST" and path == "/openai/v1/embeddings":
            return "openai", self.openai_embeddings
        if method == "POST" and path == "/recraft/v1/images/generations":
            return "recraft", self.recraft_images
        if path.startswith("/bfl/v1/"):
            return "bfl", self.bfl
        if method == "POST" and path.startswith("/gemini/v1beta/models/"):
            if path.endswith(":predict"):
                return "gemini", self.imagen
            if path.endswith(":batchEmbedContents") or path.endswith(":embedContent"):
                return "gemini", self.gemini_embeddings
            if path.endswith(":countTokens"):
                return "gemini", self.gemini_count_tokens
            if path.endswith(":generateContent") and isinstance(body, dict):
                mods = (body.get("generationConfig") or {}).get("responseModalities") or []
                model = path.rsplit("/", 1)[1].split(":")[0]
                if "IMAGE" in [str(m).upper() for m in mods] or "image" in model:
                    return "gemini", self.gemini_image
        if method == "POST" and path == "/gateway/v1/chat/completions" and isinstance(body, dict) \
                and "image" in (body.get("modalities") or []):
            return "openai", self.gateway_image
        if method == "POST" and path == "/gateway/v1/embeddings":
            return "openai", self.openai_embeddings
        if method == "POST" and path == "/anthropic/v1/messages/count_tokens":
            return "anthropic", self.anthropic_count_tokens
        return None

    def send_error_shape(self, provider, e):
        if provider == "gemini":
            status_names = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
                            404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}
            body = {"error": {"code": e.status, "message": e.message, "status": status_names.get(e.status, "UNKNOWN")}}
        elif provider == "bfl":
            body = {"detail": e.message}
        elif provider == "anthropic":
            kinds = {400: "invalid_request_error", 401: "authentication_error", 404: "not_found_error"}
            body = {"type": "error", "error": {"type": kinds.get(e.status, "api_error"), "message": e.message}}
        elif provider == "recraft":
            body = {"code": "invalid_request", "message": e.message}
        else:
            body = {"error": {"message": e.message, "type": "invalid_request_error", "param": None, "code": None}}
        return self.send_json(e.status, body, e.headers)

    def control(self, method, path):
        if path == "/_media/requests" and method == "GET":
            with STATE.lock:
                return self.send_json(200, list(STATE.requests))
        if path == "/_media/requests" and method == "DELETE":
            with STATE.lock:
                STATE.requests.clear()
            return self.send_json(200, {"ok": True})
        if path == "/_media/health":
            return self.send_json(200, {"ok": True})
        return self.send_json(404, {"error": "unknown control path"})

    # ------------------------------------------------------------------ forwarding to the chat fakes
    def forward(self, method, raw, headers):
        if not self.chat_upstream:
            return self.send_json(404, {"error": {"message": "fake_media: no media endpoint at " + self.path}})
        up = urlparse(self.chat_upstream)
        conn = http.client.HTTPConnection(up.hostname, up.port, timeout=120)
        fwd = {k: v for k, v in headers.items() if k not in ("host", "content-length", "transfer-encoding", "connection")}
        fwd["content-length"] = str(len(raw))
        conn.request(method, self.path, body=raw if raw else None, headers=fwd)
        resp = conn.getresponse()
        self.send_response(resp.status)
        chunked = resp.getheader("transfer-encoding", "").lower() == "chunked" or resp.getheader("content-length") is None
        for k, v in resp.getheaders():
            if k.lower() in ("transfer-encoding", "connection", "content-length"):
                continue
            self.send_header(k, v)
        if chunked:
            self.send_header("transfer-encoding", "chunked")
            self.end_headers()
            try:
                while True:
                    data = resp.read1(65536) if hasattr(resp, "read1") else resp.read(4096)
                    if not data:
                        break
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")
            except http.client.IncompleteRead:
                self.close_connection = True
        else:
            data = resp.read()
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        conn.close()

    # ------------------------------------------------------------------ OpenAI images
    @staticmethod
    def require_bearer(headers):
        auth = headers.get("authorization", "")
        if not auth.startswith("Bearer ") or len(auth) < 10 or auth.startswith("Bearer bad-"):
            raise FakeError(401, "Incorrect API key provided.")

    def openai_images(self, path, query, headers, body):
        self.require_bearer(headers)
        prompt = body.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise FakeError(400, "Missing required parameter: 'prompt'.")
        scen = scenarios(prompt)
        status = scenario_error(scen)
        if status:
            raise FakeError(status, "fake OpenAI images error %d" % status,
                            {"retry-after": "7"} if status == 429 else None)
        model = body.get("model", "dall-e-2")
        if model not in OPENAI_IMAGE_SIZES:
            raise FakeError(404, "The model '%s' does not exist." % model)
        n = body.get("n", 1)
        if not isinstance(n, int) or n < 1 or n > 10 or (model == "dall-e-3" and n != 1):
            raise FakeError(400, "Invalid 'n': %r for model %s." % (n, model))
        size = body.get("size", "1024x1024" if model != "gpt-image-1" else "auto")
        if size not in OPENAI_IMAGE_SIZES[model]:
            raise FakeError(400, "Invalid value: '%s'. Supported values are: %s." % (size, OPENAI_IMAGE_SIZES[model]))
        quality = body.get("quality")
        valid_q = {"dall-e-3": ["standard", "hd"]}.get(model, ["low", "medium", "high", "auto"])
        if quality is not None and model != "dall-e-2" and quality not in valid_q:
            raise FakeError(400, "Invalid value for 'quality': %s." % quality)
        gpt_image = model.startswith("gpt-image")
        fmt = body.get("response_format")
        if gpt_image and fmt is not None:
            raise FakeError(400, "Unknown parameter: 'response_format'.")
        fmt = fmt or "url"
        if gpt_image:
            fmt = "b64_json"
        if fmt not in ("url", "b64_json"):
            raise FakeError(400, "Invalid value for 'response_format': %s." % fmt)
        data = []
        for i in range(n):
            item = {"b64_json": PNG_B64} if fmt == "b64_json" else {"url": "%s/files/%s.png" % (self.base(), uuid.uuid4().hex)}
            if model == "dall-e-3":
                item["revised_prompt"] = "A detailed rendering of: " + prompt
            data.append(item)
        out = {"created": 1700000000, "data": data}
        if gpt_image:
            out["usage"] = {"total_tokens": 50 + 272 * n, "input_tokens": 50, "output_tokens": 272 * n,
                            "input_tokens_details": {"text_tokens": 50, "image_tokens": 0}}
            out["output_format"] = "png"
        return self.send_json(200, out)

    # ------------------------------------------------------------------ Recraft
    def recraft_images(self, path, query, headers, body):
        self.require_bearer(headers)
        prompt = body.get("prompt")
        if not isinstance(prompt, str) or not prompt:
            raise FakeError(400, "prompt is required")
        if len(prompt) > 1000:
            raise FakeError(400, "prompt is too long (max 1000 characters)")
        status = scenario_error(scenarios(prompt))
        if status:
            raise FakeError(status, "fake Recraft error %d" % status)
        model = body.get("model", "recraftv3")
        if model not in ("recraftv3", "recraftv2", "recraftv3_vector"):
            raise FakeError(400, "unknown model %s" % model)
        size = body.get("size", "1024x1024")
        if size not in RECRAFT_SIZES:
            raise FakeError(400, "invalid size %s" % size)
        n = body.get("n", 1)
        if not isinstance(n, int) or not 1 <= n <= 6:
            raise FakeError(400, "n must be between 1 and 6")
        fmt = body.get("response_format", "url")
        data = [{"b64_json": PNG_B64} if fmt == "b64_json" else
                {"url": "%s/files/recraft-%s.png" % (self.base(), uuid.uuid4().hex)} for _ in range(n)]
        return self.send_json(200, {"created": 1700000000, "credits": 40 * n, "data": data})

    # ------------------------------------------------------------------ BFL
    def bfl(self, path, query, headers, body):
        if not headers.get("x-key"):
            raise FakeError(401, "Not authenticated")
        rest = path[len("/bfl/v1/"):]
        if self.command == "GET" and rest == "get_result":
            return self.bfl_result((query.get("id") or [""])[0])
        if self.command != "POST":
            raise FakeError(405, "Method Not Allowed")
        model = rest
        if not model.startswith("flux-"):
            raise FakeError(404, "Not Found")
        prompt = body.get("prompt")
        if not isinstance(prompt, str) or not prompt:
            raise FakeError(422, "field required: prompt")
        scen = scenarios(prompt)
        status = scenario_error(scen)
        if status:
            raise FakeError(status, "fake BFL error %d" % status, {"retry-after": "7"} if status == 429 else None)
        if "ultra" in model or "kontext" in model:
            ratio = body.get("aspect_ratio", "16:9")
            m = BFL_RATIO_RE.match(str(ratio))
            if not m or not (9 / 21 <= int(m.group(1)) / int(m.group(2)) <= 21 / 9):
                raise FakeError(422, "aspect_ratio must be between 21:9 and 9:21")
            if "width" in body or "height" in body:
                raise FakeError(422, "width/height are not accepted by %s" % model)
        else:
            w, h = body.get("width", 1024), body.get("height", 768)
            multiple = 16 if model.startswith("flux-2") else 32
            lo, hi = (64, 4096) if model.startswith("flux-2") else (256, 1440)
            for name, v in (("width", w), ("height", h)):
                if not isinstance(v, int) or v < lo or v > hi or v % multiple:
                    raise FakeError(422, "%s must be a multiple of %d in %d-%d" % (name, multiple, lo, hi))
        task = uuid.uuid4().hex
        ready_after = 2
        if "ready_after" in scen:
            try:
                ready_after = int(scen["ready_after"])
            except ValueError:
                pass
        with STATE.lock:
            STATE.bfl_tasks[task] = {"polls": 0, "scen": scen, "ready_after": ready_after, "model": model,
                                     "format": body.get("output_format", "jpeg")}
        return self.send_json(200, {"id": task, "polling_url": "%s/bfl/v1/get_result?id=%s" % (self.base(), task),
                                    "cost": 3.0, "input_mp": 0.0, "output_mp": 1.0})

    def bfl_result(self, task):
        with STATE.lock:
            info = STATE.bfl_tasks.get(task)
            if info is not None:
                info["polls"] += 1
                polls = info["polls"]
        if info is None:
            return self.send_json(200, {"id": task, "status": "Task not found", "result": None})
        scen = info["scen"]
        if "never_finish" in scen:
            return self.send_json(200, {"id": task, "status": "Pending", "result": None, "progress": 0.5})
        if polls < info["ready_after"]:
            return self.send_json(200, {"id": task, "status": "Pending", "result": None, "progress": 0.3})
        if "fail" in scen:
            return self.send_json(200, {"id": task, "status": "Error", "result": None,
                                        "details": {"message": "generation failed"}})
        if "moderate" in scen:
            return self.send_json(200, {"id": task, "status": "Request Moderated", "result": None,
                                        "details": {"Moderation Reasons": ["Derivative Works Filter"]}})
        return self.send_json(200, {"id": task, "status": "Ready", "result": {
            "sample": "%s/files/bfl-%s.%s" % (self.base(), task, info["format"]),
            "prompt": "", "seed": 42, "start_time": 1700000000.0, "end_time": 1700000002.0, "duration": 2.0}})

    # ------------------------------------------------------------------ Google
    @staticmethod
    def require_goog_key(headers, query):
        if not headers.get("x-goog-api-key") and not query.get("key"):
            raise FakeError(401, "Method doesn't allow unregistered callers. Please use API Key.")

    def imagen(self, path, query, headers, body):
        self.require_goog_key(headers, query)
        model = path.rsplit("/", 1)[1].split(":")[0]
        if not model.startswith("imagen-"):
            raise FakeError(404, "models/%s is not found for API version v1beta, or is not supported for predict." % model)
        instances = body.get("instances")
        if not isinstance(instances, list) or len(instances) != 1 or not isinstance(instances[0], dict) \
                or not instances[0].get("prompt"):
            raise FakeError(400, "instances[0].prompt is required")
        prompt = instances[0]["prompt"]
        scen = scenarios(prompt)
        status = scenario_error(scen)
        if status:
            raise FakeError(status, "fake Imagen error %d" % status)
        params = body.get("parameters") or {}
        count = params.get("sampleCount", 4)
        if not isinstance(count, int) or not 1 <= count <= 4:
            raise FakeError(400, "sampleCount must be between 1 and 4")
        ratio = params.get("aspectRatio", "1:1")
        if ratio not in IMAGEN_RATIOS:
            raise FakeError(400, "aspectRatio %s is not supported" % ratio)
        if "moderate" in scen:
            return self.send_json(200, {"predictions": [{"raiFilteredReason": "Your current safety filter threshold filtered out the image."}]})
        return self.send_json(200, {"predictions": [{"mimeType": "image/png", "bytesBase64Encoded": PNG_B64}
                                                    for _ in range(count)]})

    def gemini_image(self, path, query, headers, body):
        self.require_goog_key(headers, query)
        contents = body.get("contents")
        if not isinstance(contents, list) or not contents:
            raise FakeError(400, "contents is required")
        texts = [p.get("text", "") for c in contents for p in (c.get("parts") or []) if isinstance(p, dict)]
        prompt = " ".join(texts)
        scen = scenarios(prompt)
        status = scenario_error(scen)
        if status:
            raise FakeError(status, "fake Gemini image error %d" % status)
        config = body.get("generationConfig") or {}
        mods = [str(m).upper() for m in config.get("responseModalities") or []]
        if "IMAGE" not in mods:
            raise FakeError(400, "This model only supports responseModalities including IMAGE")
        ratio = (config.get("imageConfig") or {}).get("aspectRatio", "1:1")
        if ratio not in GEMINI_IMAGE_RATIOS:
            raise FakeError(400, "imageConfig.aspectRatio %s is not supported" % ratio)
        usage = {"promptTokenCount": 12, "candidatesTokenCount": 1290 + 8, "totalTokenCount": 12 + 1298,
                 "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 12}],
                 "candidatesTokensDetails": [{"modality": "IMAGE", "tokenCount": 1290},
                                             {"modality": "TEXT", "tokenCount": 8}]}
        if "fail" in scen:
            return self.send_json(200, {"candidates": [{"content": {"role": "model", "parts": []},
                                                        "finishReason": "IMAGE_SAFETY", "index": 0}],
                                        "usageMetadata": {"promptTokenCount": 12, "totalTokenCount": 12}})
        parts = [{"text": "Here is your image."}, {"inlineData": {"mimeType": "image/png", "data": PNG_B64}}]
        return self.send_json(200, {"candidates": [{"content": {"role": "model", "parts": parts},
                                                    "finishReason": "STOP", "index": 0}],
                                    "usageMetadata": usage, "modelVersion": path.rsplit("/", 1)[1].split(":")[0]})

    def gemini_count_tokens(self, path, query, headers, body):
        self.require_goog_key(headers, query)
        model = path.rsplit("/", 1)[1].split(":")[0]
        if "contents" in body and "generateContentRequest" in body:
            raise FakeError(400, "contents and generateContentRequest are mutually exclusive")
        request = body.get("generateContentRequest") or body
        if "generateContentRequest" in body and request.get("model") != "models/" + model:
            raise FakeError(400, "generateContentRequest.model must be 'models/%s'" % model)
        contents = request.get("contents")
        if not isinstance(contents, list) or not contents:
            raise FakeError(400, "contents is required")
        for c in contents:
            if c.get("role", "user") not in ("user", "model") or not isinstance(c.get("parts"), list):
                raise FakeError(400, "invalid content")
        text = json.dumps([request.get("systemInstruction"), contents, request.get("tools")])
        return self.send_json(200, {"totalTokens": max(1, len(text) // 4),
                                    "promptTokensDetails": [{"modality": "TEXT", "tokenCount": max(1, len(text) // 4)}]})

    def gemini_embeddings(self, path, query, headers, body):
        self.require_goog_key(headers, query)
        model = path.rsplit("/", 1)[1].split(":")[0]
        if "embedding" not in model:
            raise FakeError(404, "models/%s is not found for API version v1beta, or is not supported for embedContent." % model)
        if path.endswith(":embedContent"):
            requests = [dict(body, model=body.get("model", "models/" + model))]
        else:
            requests = body.get("requests")
            if not isinstance(requests, list) or not requests:
                raise FakeError(400, "requests is required")
            if len(requests) > 100:
                raise FakeError(400, "at most 100 requests can be in one batch")
        out = []
        default_dims = 3072 if model == "gemini-embedding-001" else 768
        for i, req in enumerate(requests):
            if req.get("model") != "models/" + model:
                raise FakeError(400, "requests[%d].model must be 'models/%s', got %r" % (i, model, req.get("model")))
            parts = (req.get("content") or {}).get("parts")
            if not isinstance(parts, list) or not parts or not isinstance(parts[0].get("text"), str):
                raise FakeError(400, "requests[%d].content.parts[0].text is required" % i)
            text = "".join(p.get("text", "") for p in parts)
            status = scenario_error(scenarios(text))
            if status:
                raise FakeError(status, "fake Gemini embeddings error %d" % status)
            dims = req.get("outputDimensionality", default_dims)
            if not isinstance(dims, int) or not 1 <= dims <= 3072:
                raise FakeError(400, "outputDimensionality must be between 1 and 3072")
            task = req.get("taskType")
            if task is not None and task not in ("RETRIEVAL_QUERY", "RETRIEVAL_DOCUMENT", "SEMANTIC_SIMILARITY",
                                                 "CLASSIFICATION", "CLUSTERING", "QUESTION_ANSWERING",
                                                 "FACT_VERIFICATION", "CODE_RETRIEVAL_QUERY"):
                raise FakeError(400, "invalid taskType %s" % task)
            out.append({"values": vector(text, dims)})
        if path.endswith(":embedContent"):
            return self.send_json(200, {"embedding": out[0]})
        return self.send_json(200, {"embeddings": out})

    # ------------------------------------------------------------------ OpenAI embeddings (also the gateway's)
    def openai_embeddings(self, path, query, headers, body):
        self.require_bearer(headers)
        model = body.get("model")
        if not isinstance(model, str) or not model:
            raise FakeError(400, "you must provide a model parameter")
        inp = body.get("input")
        if isinstance(inp, str):
            items = [inp]
        elif isinstance(inp, list) and inp and all(isinstance(x, str) for x in inp):
            items = inp
        elif isinstance(inp, list) and inp and all(isinstance(x, int) for x in inp):
            items = [inp]
        elif isinstance(inp, list) and inp and all(isinstance(x, list) and all(isinstance(t, int) for t in x) for x in inp):
            items = inp
        else:
            raise FakeError(400, "'input' must be a string, an array of strings, or token arrays")
        for x in items:
            if isinstance(x, str):
                status = scenario_error(scenarios(x))
                if status:
                    raise FakeError(status, "fake OpenAI embeddings error %d" % status)
        dims = body.get("dimensions")
        base = "text-embedding-3-large" in model and 3072 or 1536
        if dims is not None:
            if "text-embedding-3" not in model and "/" not in model:
                raise FakeError(400, "This model does not support specifying dimensions.")
            if not isinstance(dims, int) or not 1 <= dims <= base:
                raise FakeError(400, "Invalid 'dimensions'")
            base = dims
        fmt = body.get("encoding_format", "float")
        if fmt not in ("float", "base64"):
            raise FakeError(400, "Invalid 'encoding_format'")
        data, tokens = [], 0
        for i, x in enumerate(items):
            text = x if isinstance(x, str) else " ".join(map(str, x))
            tokens += len(x) if isinstance(x, list) else max(1, len(x.split()))
            vec = vector(text, base)
            emb = base64.b64encode(struct.pack("<%df" % len(vec), *vec)).decode() if fmt == "base64" else vec
            data.append({"object": "embedding", "index": i, "embedding": emb})
        return self.send_json(200, {"object": "list", "data": data, "model": model,
                                    "usage": {"prompt_tokens": tokens, "total_tokens": tokens}})

    # ------------------------------------------------------------------ Anthropic token counting
    def anthropic_count_tokens(self, path, query, headers, body):
        if not headers.get("x-api-key"):
            raise FakeError(401, "x-api-key header is required")
        if not headers.get("anthropic-version"):
            raise FakeError(400, "anthropic-version: header is required")
        allowed = {"model", "messages", "system", "tools", "tool_choice", "thinking", "mcp_servers"}
        for key in body:
            if key not in allowed:
                raise FakeError(400, "%s: Extra inputs are not permitted" % key)
        if not isinstance(body.get("model"), str) or "/" in body["model"]:
            raise FakeError(404, "model: %s" % body.get("model"))
        if not isinstance(body.get("messages"), list) or not body["messages"]:
            raise FakeError(400, "messages: Field required")
        text = json.dumps([body.get("system"), body["messages"], body.get("tools")])
        return self.send_json(200, {"input_tokens": max(1, len(text) // 4)})

    # ------------------------------------------------------------------ Vercel AI Gateway image generation
    def gateway_image(self, path, query, headers, body):
        self.require_bearer(headers)
        model = body.get("model", "")
        if "/" not in model:
            raise FakeError(400, "model must be a provider/model id")
        msgs = body.get("messages")
        if not isinstance(msgs, list) or not msgs:
            raise FakeError(400, "messages is required")
        prompt = " ".join(m.get("content", "") for m in msgs if isinstance(m.get("content"), str))
        status = scenario_error(scenarios(prompt))
        if status:
            raise FakeError(status, "fake gateway error %d" % status)
        return self.send_json(200, {
            "id": "chatcmpl-img-" + uuid.uuid4().hex[:8], "object": "chat.completion", "created": 1700000000,
            "model": model,
            "choices": [{"index": 0, "finish_reason": "stop", "message": {
                "role": "assistant", "content": "",
                "images": [{"type": "image_url", "image_url": {"url": "data:image/png;base64," + PNG_B64}}]}}],
            "usage": {"prompt_tokens": 9, "completion_tokens": 0, "total_tokens": 9}})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--chat-upstream", default=None, help="base URL of the chat fakes to forward other paths to")
    parser.add_argument("--exit-on-stdin-eof", action="store_true")
    args = parser.parse_args()
    Handler.chat_upstream = args.chat_upstream
    if args.exit_on_stdin_eof:
        fake_lifecycle.exit_with_parent()
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    print("PORT %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
