"""OpenAI Chat Completions fake (also Perplexity, Morph, Vercel AI Gateway and named OpenAI-compatible ones)."""
import itertools
import json
import re
import time

from fake_common import ANSWER, REASONING, FakeError, schema_instance, split_text

COUNTER = itertools.count(1)
ROLES = {"system", "developer", "user", "assistant", "tool", "function"}
KNOWN_PARAMS = {
    "model", "messages", "max_tokens", "max_completion_tokens", "temperature", "top_p", "stop", "n", "seed",
    "tools", "tool_choice", "parallel_tool_calls", "response_format", "reasoning_effort", "stream",
    "stream_options", "frequency_penalty", "presence_penalty", "logit_bias", "logprobs", "top_logprobs", "user",
    "store", "metadata", "modalities", "audio", "prediction", "service_tier", "web_search_options", "verbosity",
    "safety_identifier", "prompt_cache_key", "functions", "function_call",
}
PERPLEXITY_PARAMS = {
    "search_domain_filter", "search_recency_filter", "search_after_date_filter", "search_before_date_filter",
    "last_updated_after_filter", "last_updated_before_filter", "search_mode", "disable_search",
    "enable_search_classifier", "return_images", "return_related_questions", "top_k",
}
CITATIONS = ["https://example.com/a", "https://example.com/b"]
SEARCH_RESULTS = [
    {"title": "A", "url": "https://example.com/a", "date": "2025-01-01", "last_updated": "2025-01-02",
     "snippet": "first"},
    {"title": "B", "url": "https://example.com/b", "date": "2025-02-01", "last_updated": "2025-02-02",
     "snippet": "second"},
]


def send_error(h, status, message, headers=None, kind=None):
    kinds = {400: "invalid_request_error", 401: "invalid_request_error", 403: "permission_denied",
             404: "not_found_error", 429: "rate_limit_exceeded", 500: "server_error", 503: "server_error"}
    codes = {401: "invalid_api_key", 429: "rate_limit_exceeded"}
    h.send_json(status, {"error": {"message": message, "type": kind or kinds.get(status, "server_error"),
                                   "param": None, "code": kind or codes.get(status)}}, headers)


def validate(provider, headers, body):
    auth = headers.get("authorization", "")
    if provider != "custom" or auth:
        if not auth.startswith("Bearer ") or len(auth) <= 7:
            raise FakeError(401, "You didn't provide an API key.")
        if auth[7:].startswith("bad"):
            raise FakeError(401, "Incorrect API key provided.")
    if not isinstance(body, dict):
        raise FakeError(400, "body must be a JSON object")
    allowed = KNOWN_PARAMS | (PERPLEXITY_PARAMS if provider == "perplexity" else set())
    for key in body:
        if key not in allowed:
            raise FakeError(400, "Unrecognized request argument supplied: %s" % key)
    if not isinstance(body.get("model"), str) or not body["model"]:
        raise FakeError(400, "you must provide a model parameter")
    if provider == "gateway" and "/" not in body["model"]:
        raise FakeError(400, "gateway model ids are provider/model, got %s" % body["model"])
    if provider == "openai":
        # OpenAI's reasoning models (o-series, gpt-5 except -chat) refuse the classic sampling knobs and max_tokens;
        # its other models refuse reasoning_effort.
        name = body["model"]
        reasoning = re.match(r"^(o\d|gpt-5)", name) is not None and "chat" not in name
        if reasoning and "max_tokens" in body:
            raise FakeError(400, "Unsupported parameter: 'max_tokens' is not supported with this model. "
                                 "Use 'max_completion_tokens' instead.")
        if reasoning:
            for knob in ("temperature", "top_p", "presence_penalty", "frequency_penalty"):
                if knob in body and body[knob] != 1 and not (knob.endswith("penalty") and body[knob] == 0):
                    raise FakeError(400, "Unsupported value: '%s' does not support %s with this model. Only the "
                                         "default value is supported." % (knob, body[knob]))
        if not reasoning and "reasoning_effort" in body:
            raise FakeError(400, "Unsupported parameter: 'reasoning_effort' is not supported with this model.")
    if provider == "perplexity" and body.get("tools"):
        raise FakeError(400, "Tool calling is not supported")
    if "stream_options" in body and not body.get("stream"):
        raise FakeError(400, "The 'stream_options' parameter is only allowed when 'stream' is enabled.")
    msgs = body.get("messages")
    if not isinstance(msgs, list) or not msgs:
        raise FakeError(400, "'messages' must be a non-empty array")
    open_calls = set()
    for i, m in enumerate(msgs):
        if not isinstance(m, dict) or m.get("role") not in ROLES:
            raise FakeError(400, "Invalid value for 'messages[%d].role'" % i)
        role = m["role"]
        if role == "tool":
            tid = m.get("tool_call_id")
            if tid not in open_calls:
                raise FakeError(400, "messages[%d]: tool message must respond to a preceding tool_call id" % i)
            open_calls.discard(tid)
            continue
        if open_calls:
            raise FakeError(400, "An assistant message with 'tool_calls' must be followed by tool messages "
                                 "responding to each 'tool_call_id'. Missing: %s" % sorted(open_calls))
        if role == "assistant" and m.get("tool_calls"):
            for c in m["tool_calls"]:
                if not c.get("id") or c.get("type") != "function" or "name" not in c.get("function", {}):
                    raise FakeError(400, "messages[%d].tool_calls malformed" % i)
                json.loads(c["function"].get("arguments", "{}"))
                open_calls.add(c["id"])
        elif "content" not in m:
            raise FakeError(400, "messages[%d].content is required" % i)
    for t in body.get("tools", []) or []:
        if t.get("type") != "function" or not t.get("function", {}).get("name"):
            raise FakeError(400, "tools must be of type function with a name")


def plan(provider, body, scen):
    """What the fake answers: content, reasoning, tool calls, finish reason, usage."""
    model = body["model"]
    reasoning_model = provider == "perplexity" and "reasoning" in model
    content, calls, finish = ANSWER, [], "stop"
    tools = [t["function"] for t in body.get("tools", []) or []]
    if "echo" in scen:
        content = json.dumps(body, sort_keys=True)
    rf = body.get("response_format") or {}
    if rf.get("type") == "json_schema":
        content = json.dumps(schema_instance(rf.get("json_schema", {}).get("schema", {})))
    elif rf.get("type") == "json_object":
        content = json.dumps({"answer": "ok"})
    if ("tool_call" in scen or "parallel_tools" in scen) and tools:
        n = 2 if "parallel_tools" in scen else 1
        for k in range(n):
            fn = tools[k % len(tools)]
            calls.append({"id": "call_fake_%d_%d" % (next(COUNTER), k), "type": "function",
                          "function": {"name": fn["name"],
                                       "arguments": json.dumps(schema_instance(fn.get("parameters", {})))}})
        content, finish = None, "tool_calls"
    if "length" in scen:
        finish = "length"
    prompt, cached, completion, reasoning = 20, 0, 8, 0
    if "cache" in scen:
        prompt, cached = 120, 100
    if "thinking" in scen or reasoning_model:
        reasoning = 20
        completion += reasoning
    if reasoning_model and content is not None:
        content = "<think>" + REASONING + "</think>\n\n" + content
    usage = {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}
    if provider == "perplexity":
        size = ((body.get("web_search_options") or {}).get("search_context_size")) or "low"
        usage.update({"search_context_size": size, "citation_tokens": 5, "num_search_queries": 1})
        if reasoning:
            usage["reasoning_tokens"] = reasoning
        usage["cost"] = {"input_tokens_cost": 0.00002, "output_tokens_cost": 0.00001, "request_cost": 0.005,
                         "total_cost": 0.00503}
    else:
        usage["prompt_tokens_details"] = {"cached_tokens": cached, "audio_tokens": 0}
        usage["completion_tokens_details"] = {"reasoning_tokens": reasoning, "audio_tokens": 0,
                                              "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}
    return content, calls, finish, usage


def handle(h, provider, method, rest, headers, body, scen):
    expected = "/chat/completions" if provider == "perplexity" else "/v1/chat/completions"
    if method == "GET" and rest.endswith("/models"):
        return h.send_json(200, {"object": "list", "data": [{"id": "fake-model", "object": "model",
                                                              "created": 0, "owned_by": provider}]})
    if method != "POST" or rest != expected:
        raise FakeError(404, "Unknown path %s (expected %s)" % (rest, expected))
    validate(provider, headers, body)
    if "insufficient_quota" in scen:  # OpenAI's answer when the account's credit or quota is used up
        raise FakeError(429, "You exceeded your current quota, please check your plan and billing details.",
                        kind="insufficient_quota")
    status = scen.error_status()
    if status:
        extra = {"retry-after": "7"} if status == 429 else {}
        raise FakeError(status, "fake %s error %d" % (provider, status), extra)
    content, calls, finish, usage = plan(provider, body, scen)
    rid = "req_fake_%d" % next(COUNTER)
    cid = "chatcmpl-fake-%d" % next(COUNTER)
    created = int(time.time())
    if not body.get("stream"):
        message = {"role": "assistant", "content": content, "refusal": None}
        if calls:
            message["tool_calls"] = calls
        resp = {"id": cid, "object": "chat.completion", "created": created, "model": body["model"],
                "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
                "usage": usage, "system_fingerprint": "fp_fake"}
        if provider == "perplexity":
            resp["citations"] = CITATIONS
            resp["search_results"] = SEARCH_RESULTS
        return h.send_json(200, resp, {"x-request-id": rid})
    stream(h, provider, body, scen, content, calls, finish, usage, rid, cid, created)


def stream(h, provider, body, scen, content, calls, finish, usage, rid, cid, created):
    delay = scen.arg("slow", 0) / 1000 if "slow" in scen else 0
    include_usage = bool((body.get("stream_options") or {}).get("include_usage")) or provider == "perplexity"
    h.start_chunked(headers={"x-request-id": rid})

    def chunk(delta, finish_reason=None, extra=None, usage_value=None, choices=True):
        obj = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": body["model"],
               "system_fingerprint": "fp_fake",
               "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}]
               if choices else []}
        if include_usage and provider != "perplexity":
            obj["usage"] = usage_value
        elif usage_value is not None:
            obj["usage"] = usage_value
        if extra:
            obj.update(extra)
        # [[scenario:compact]]: compact JSON, as OpenAI itself sends it (the gateway then splices `model` into the
        # provider's bytes instead of re-serialising the chunk).
        separators = (",", ":") if "compact" in scen else None
        h.write_chunk("data: " + json.dumps(obj, separators=separators) + "\n\n")
        if delay:
            time.sleep(delay)

    pplx = {"citations": CITATIONS, "search_results": SEARCH_RESULTS} if provider == "perplexity" else None
    chunk({"role": "assistant", "content": "", "refusal": None}, extra=pplx)
    pieces = []
    if content is not None:
        pieces = split_text(content, 4)
        if content.startswith("<think>"):
            # split inside the tags on purpose: the adapter must handle tags cut across chunks
            pieces = ["<thi", "nk>" + content[7:20], content[20:content.index("</think>") + 4],
                      content[content.index("</think>") + 4:]]
    for i, piece in enumerate(pieces):
        if "midstream_error" in scen and i == 1:
            err = {"error": {"message": "fake mid-stream failure", "type": "server_error", "code": None,
                             "param": None}}
            h.write_chunk("data: " + json.dumps(err) + "\n\n")
            return h.end_chunked()
        if "cut" in scen and i == 1:
            return h.abort_connection()
        chunk({"content": piece})
    for k, c in enumerate(calls):
        args = c["function"]["arguments"]
        chunk({"tool_calls": [{"index": k, "id": c["id"], "type": "function",
                               "function": {"name": c["function"]["name"], "arguments": ""}}]})
        for part in split_text(args, 3):
            chunk({"tool_calls": [{"index": k, "function": {"arguments": part}}]})
    if provider == "perplexity":
        chunk({}, finish_reason=finish, extra=pplx, usage_value=usage)
    else:
        chunk({}, finish_reason=finish)
        if include_usage:
            chunk(None, usage_value=usage, choices=False)
    h.write_chunk("data: [DONE]\n\n")
    h.end_chunked()
