"""Gemini API fake: POST /v1beta/models/{model}:generateContent and :streamGenerateContent?alt=sse."""
import itertools
import json
import re
import time

from fake_common import ANSWER, REASONING, FakeError, schema_instance, split_text

COUNTER = itertools.count(1)
TOP_LEVEL = {"contents", "systemInstruction", "tools", "toolConfig", "generationConfig", "safetySettings",
             "cachedContent", "labels"}
GEN_CONFIG = {"temperature", "topP", "topK", "maxOutputTokens", "stopSequences", "candidateCount",
              "responseMimeType", "responseSchema", "responseJsonSchema", "responseModalities", "thinkingConfig",
              "seed", "presencePenalty", "frequencyPenalty", "responseLogprobs", "logprobs", "mediaResolution",
              "speechConfig", "imageConfig"}
PART_KINDS = {"text", "inlineData", "fileData", "functionCall", "functionResponse", "executableCode",
              "codeExecutionResult"}
STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
          429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}
FN_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_.\-]{0,63}$")
PATH = re.compile(r"^/v1beta/models/([^/:]+):(generateContent|streamGenerateContent)$")


def send_error(h, status, message, headers=None, details=None):
    err = {"code": status, "message": message, "status": STATUS.get(status, "UNKNOWN")}
    if details:
        err["details"] = details
    elif status == 429:
        err["details"] = [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "7s"}]
    h.send_json(status, {"error": err}, headers)


def bad(msg):
    raise FakeError(400, msg)


class KeyInvalid(FakeError):
    pass


def validate(model, headers, query, body):
    key = headers.get("x-goog-api-key") or (query.get("key") or [None])[0]
    if not key:
        raise FakeError(403, "Method doesn't allow unregistered callers. Please use an API Key.")
    if key.startswith("bad"):
        raise KeyInvalid(400, "API key not valid. Please pass a valid API key.")
    if not isinstance(body, dict):
        bad("Invalid JSON payload received.")
    for k in body:
        if k not in TOP_LEVEL:
            bad('Invalid JSON payload received. Unknown name "%s": Cannot find field.' % k)
    contents = body.get("contents")
    if not isinstance(contents, list) or not contents:
        bad("* GenerateContentRequest.contents: contents is not specified")
    declared = set()
    for t in body.get("tools", []) or []:
        for fd in t.get("functionDeclarations", []) or []:
            if not FN_NAME.match(fd.get("name", "")):
                bad("* functionDeclarations.name: Invalid function name %r" % fd.get("name"))
            if "parameters" in fd and "parametersJsonSchema" in fd:
                bad("* functionDeclarations: parameters and parametersJsonSchema are mutually exclusive")
            declared.add(fd["name"])
        for k in t:
            if k not in ("functionDeclarations", "googleSearch", "codeExecution", "urlContext", "googleSearchRetrieval"):
                bad('Invalid JSON payload received. Unknown name "%s" at \'tools[0]\'' % k)
    si = body.get("systemInstruction")
    if si is not None:
        parts = si.get("parts") if isinstance(si, dict) else None
        if not parts or any(not isinstance(p.get("text"), str) for p in parts):
            bad("* systemInstruction.parts must be text parts")
    pending_calls = []
    for i, c in enumerate(contents):
        role = c.get("role", "user")
        if role not in ("user", "model"):
            bad("* contents[%d].role must be user or model" % i)
        parts = c.get("parts")
        if not isinstance(parts, list) or not parts:
            bad("* contents[%d].parts: contents.parts must not be empty." % i)
        calls, responses = [], []
        for k, p in enumerate(parts):
            kinds = [x for x in p if x in PART_KINDS]
            if len(kinds) != 1:
                bad("* contents[%d].parts[%d]: a part must hold exactly one of %s" % (i, k, sorted(PART_KINDS)))
            for x in p:
                if x not in PART_KINDS and x not in ("thought", "thoughtSignature", "videoMetadata"):
                    bad('Invalid JSON payload received. Unknown name "%s" at \'contents[%d].parts[%d]\'' % (x, i, k))
            if "inlineData" in p and (not p["inlineData"].get("mimeType") or not p["inlineData"].get("data")):
                bad("* contents[%d].parts[%d].inlineData needs mimeType and data" % (i, k))
            if "functionCall" in p:
                if role != "model":
                    bad("* functionCall parts belong to model turns")
                fc = p["functionCall"]
                if "gemini-3" in model and not calls and not p.get("thoughtSignature"):
                    bad("Function call is missing a thought_signature in functionCall parts. "
                        "(contents[%d].parts[%d])" % (i, k))
                if not isinstance(fc.get("args", {}), dict):
                    bad("* functionCall.args must be an object")
                calls.append(fc.get("name"))
            if "functionResponse" in p:
                if role != "user":
                    bad("* functionResponse parts belong to user turns")
                fr = p["functionResponse"]
                if not isinstance(fr.get("response"), dict):
                    bad("* functionResponse.response must be an object")
                responses.append(fr.get("name"))
        if responses:
            if sorted(responses) != sorted(pending_calls):
                bad("Please ensure that the number of function response parts is equal to the number of function "
                    "call parts of the function call turn (calls %s, responses %s)." % (pending_calls, responses))
        elif pending_calls and role == "user":
            bad("Please ensure that function response turn comes immediately after a function call turn.")
        pending_calls = calls
    gc = body.get("generationConfig") or {}
    for k in gc:
        if k not in GEN_CONFIG:
            bad('Invalid JSON payload received. Unknown name "%s" at \'generation_config\': Cannot find field.' % k)
    if ("responseSchema" in gc or "responseJsonSchema" in gc) and gc.get("responseMimeType") != "application/json":
        bad("* GenerationConfig.response_schema: only supported with response_mime_type application/json")
    tcfg = gc.get("thinkingConfig") or {}
    for k in tcfg:
        if k not in ("thinkingBudget", "includeThoughts", "thinkingLevel"):
            bad('Unknown name "%s" at \'generation_config.thinking_config\'' % k)
    fcc = ((body.get("toolConfig") or {}).get("functionCallingConfig")) or {}
    if fcc:
        if fcc.get("mode", "AUTO") not in ("AUTO", "ANY", "NONE", "VALIDATED", "MODE_UNSPECIFIED"):
            bad("* toolConfig.functionCallingConfig.mode invalid")
        names = fcc.get("allowedFunctionNames")
        if names and fcc.get("mode") not in ("ANY", "VALIDATED"):
            bad("* allowedFunctionNames may only be set with mode ANY")
        for n in names or []:
            if n not in declared:
                bad("* allowedFunctionNames: %s is not declared" % n)
    return declared


def plan(model, body, scen):
    gc = body.get("generationConfig") or {}
    tcfg = gc.get("thinkingConfig") or {}
    fcc = ((body.get("toolConfig") or {}).get("functionCallingConfig")) or {}
    decls = [fd for t in body.get("tools", []) or [] for fd in t.get("functionDeclarations", []) or []]
    parts, finish = [], "STOP"
    thinking = "thinking" in scen or (tcfg and tcfg.get("thinkingBudget", 1) != 0)
    if thinking and tcfg.get("includeThoughts"):
        parts.append({"text": REASONING, "thought": True})
    mode = fcc.get("mode", "AUTO")
    allowed = [d for d in decls if d["name"] in (fcc.get("allowedFunctionNames") or [d["name"] for d in decls])]
    if decls and mode != "NONE" and (mode == "ANY" or "tool_call" in scen or "parallel_tools" in scen):
        n = 2 if "parallel_tools" in scen else 1
        for k in range(n):
            d = allowed[k % len(allowed)]
            schema = d.get("parametersJsonSchema") or d.get("parameters") or {}
            part = {"functionCall": {"name": d["name"], "args": schema_instance(schema)}}
            if k == 0:
                part["thoughtSignature"] = "Z2VtaW5pLXNpZy1mYWtl"
            parts.append(part)
    else:
        text = ANSWER
        if "echo" in scen:
            text = json.dumps(body, sort_keys=True)
        elif gc.get("responseMimeType") == "application/json":
            text = json.dumps(schema_instance(gc.get("responseJsonSchema") or gc.get("responseSchema") or
                                              {"type": "object", "properties": {"answer": {"type": "string"}}}))
        parts.append({"text": text})
    if "length" in scen:
        finish = "MAX_TOKENS"
    if "safety" in scen:
        finish = "SAFETY"
        parts = []
    usage = {"promptTokenCount": 20, "candidatesTokenCount": 8, "totalTokenCount": 28,
             "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 20}]}
    if "cache" in scen:
        usage.update(promptTokenCount=120, cachedContentTokenCount=100, totalTokenCount=128)
    if thinking:
        usage["thoughtsTokenCount"] = 20
        usage["totalTokenCount"] += 20
    candidate = {"content": {"role": "model", "parts": parts}, "finishReason": finish, "index": 0}
    if not parts:
        candidate.pop("content")
        candidate["safetyRatings"] = [{"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "HIGH",
                                       "blocked": True}]
    return candidate, usage


def handle(h, method, rest, query, headers, body, scen):
    m = PATH.match(rest)
    if method != "POST" or not m:
        raise FakeError(404, "Unknown path %s" % rest)
    model, action = m.group(1), m.group(2)
    try:
        validate(model, headers, query, body)
    except KeyInvalid as e:
        return send_error(h, 400, e.message, details=[{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                                                       "reason": "API_KEY_INVALID", "domain": "googleapis.com"}])
    status = scen.error_status()
    if status:
        raise FakeError(status, "fake gemini error %d" % status)
    rid = "gemini_fake_%d" % next(COUNTER)
    if "blocked" in scen:
        resp = {"promptFeedback": {"blockReason": "SAFETY"}, "usageMetadata": {"promptTokenCount": 20,
                                                                                "totalTokenCount": 20},
                "modelVersion": model, "responseId": rid}
        if action == "generateContent":
            return h.send_json(200, resp)
        h.start_chunked()
        h.write_chunk("data: " + json.dumps(resp) + "\r\n\r\n")
        return h.end_chunked()
    candidate, usage = plan(model, body, scen)
    if action == "generateContent":
        return h.send_json(200, {"candidates": [candidate], "usageMetadata": usage, "modelVersion": model,
                                 "responseId": rid})
    if (query.get("alt") or [None])[0] != "sse":
        bad("this fake only streams with ?alt=sse")
    delay = scen.arg("slow", 0) / 1000 if "slow" in scen else 0
    h.start_chunked()
    parts = candidate.get("content", {}).get("parts", [])
    pieces = []
    for p in parts:
        if "text" in p and not p.get("thought"):
            pieces.extend({"text": t} for t in split_text(p["text"], 3))
        else:
            pieces.append(p)
    if not pieces:
        pieces = [None]
    running = dict(usage, candidatesTokenCount=0, totalTokenCount=usage["promptTokenCount"])
    running.pop("thoughtsTokenCount", None)
    for i, p in enumerate(pieces):
        last = i == len(pieces) - 1
        if "midstream_error" in scen and i == 1:
            h.write_chunk("data: " + json.dumps({"error": {"code": 503, "message": "The model is overloaded.",
                                                           "status": "UNAVAILABLE"}}) + "\r\n\r\n")
            return h.end_chunked()
        if "cut" in scen and i == 1:
            return h.abort_connection()
        cand = {"index": 0}
        if p is not None:
            cand["content"] = {"role": "model", "parts": [p]}
        if last:
            cand["finishReason"] = candidate["finishReason"]
            if "safetyRatings" in candidate:
                cand["safetyRatings"] = candidate["safetyRatings"]
        chunk = {"candidates": [cand], "usageMetadata": usage if last else running, "modelVersion": model,
                 "responseId": rid}
        h.write_chunk("data: " + json.dumps(chunk) + "\r\n\r\n")
        if delay:
            time.sleep(delay)
    h.end_chunked()
