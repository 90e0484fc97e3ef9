"""Anthropic Messages API fake (POST /v1/messages), non-streaming and SSE streaming."""
import itertools
import json
import re
import time

from fake_common import ANSWER, REASONING, FakeError, schema_instance, split_text

COUNTER = itertools.count(1)
TOP_LEVEL = {"model", "messages", "max_tokens", "system", "metadata", "stop_sequences", "stream", "temperature",
             "top_p", "top_k", "tools", "tool_choice", "thinking", "service_tier", "container", "mcp_servers",
             "output_format"}
ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
               404: "not_found_error", 413: "request_too_large", 429: "rate_limit_error", 500: "api_error",
               529: "overloaded_error"}
TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


def send_error(h, status, message, headers=None):
    h.send_json(status, {"type": "error", "error": {"type": ERROR_TYPES.get(status, "api_error"),
                                                   "message": message},
                         "request_id": "req_fake_err"}, headers)


def bad(msg):
    raise FakeError(400, msg)


def check_cache_control(obj, counter):
    cc = obj.get("cache_control")
    if cc is None:
        return
    if cc.get("type") != "ephemeral" or cc.get("ttl", "5m") not in ("5m", "1h"):
        bad("cache_control must be {type: ephemeral, ttl?: 5m|1h}")
    counter.append(cc.get("ttl", "5m"))


def check_block(block, role, where, counter):
    if not isinstance(block, dict):
        bad("%s: content blocks must be objects" % where)
    t = block.get("type")
    check_cache_control(block, counter)
    if t == "text":
        if not isinstance(block.get("text"), str) or not block["text"]:
            bad("%s: text content blocks must be non-empty" % where)
    elif t in ("image", "document"):
        src = block.get("source") or {}
        if src.get("type") == "base64":
            if not src.get("media_type") or not src.get("data"):
                bad("%s: base64 source needs media_type and data" % where)
            if t == "image" and src["media_type"] not in ("image/jpeg", "image/png", "image/gif", "image/webp"):
                bad("%s: unsupported image media_type %s" % (where, src["media_type"]))
            if t == "document" and src["media_type"] != "application/pdf":
                bad("%s: documents must be application/pdf" % where)
        elif src.get("type") == "url":
            if not str(src.get("url", "")).startswith(("http://", "https://")):
                bad("%s: url source needs an http(s) url" % where)
        elif not (t == "document" and src.get("type") == "text"):
            bad("%s: unknown source type" % where)
    elif t == "tool_use":
        if role != "assistant":
            bad("%s: tool_use blocks are only allowed in assistant messages" % where)
        if not block.get("id") or not block.get("name") or not isinstance(block.get("input"), dict):
            bad("%s: tool_use needs id, name and an input object" % where)
    elif t == "tool_result":
        if role != "user":
            bad("%s: tool_result blocks are only allowed in user messages" % where)
        if not block.get("tool_use_id"):
            bad("%s: tool_result needs tool_use_id" % where)
        c = block.get("content")
        if c is not None and not isinstance(c, (str, list)):
            bad("%s: tool_result content must be a string or blocks" % where)
        if isinstance(c, list):
            for k, b in enumerate(c):
                check_block(b, "user", "%s.content.%d" % (where, k), counter)
    elif t == "thinking":
        if role != "assistant" or not isinstance(block.get("thinking"), str) or not block.get("signature"):
            bad("%s: thinking blocks need thinking and signature, assistant only" % where)
    elif t == "redacted_thinking":
        if role != "assistant" or not block.get("data"):
            bad("%s: redacted_thinking needs data" % where)
    else:
        bad("%s: unknown content block type %r" % (where, t))


def validate(headers, body):
    key = headers.get("x-api-key")
    if not key:
        raise FakeError(401, "x-api-key header is required")
    if key.startswith("bad"):
        raise FakeError(401, "invalid x-api-key")
    if headers.get("authorization"):
        bad("send the key in x-api-key, not Authorization")
    if not headers.get("anthropic-version"):
        bad("anthropic-version header is required")
    if not isinstance(body, dict):
        bad("body must be an object")
    for k in body:
        if k not in TOP_LEVEL:
            bad("%s: Extra inputs are not permitted" % k)
    if not isinstance(body.get("model"), str) or not body["model"]:
        bad("model: Field required")
    mt = body.get("max_tokens")
    if not isinstance(mt, int) or isinstance(mt, bool) or mt < 1:
        bad("max_tokens: Field required (integer >= 1)")
    counter = []
    system = body.get("system")
    if system is not None:
        if isinstance(system, list):
            for i, b in enumerate(system):
                if b.get("type") != "text" or not b.get("text"):
                    bad("system.%d: system blocks must be non-empty text" % i)
                check_cache_control(b, counter)
        elif not isinstance(system, str):
            bad("system must be a string or text blocks")
    msgs = body.get("messages")
    if not isinstance(msgs, list) or not msgs:
        bad("messages: at least one message is required")
    if "temperature" in body and "top_p" in body:  # Claude 4.1 and later
        bad("`temperature` and `top_p` cannot both be specified for this model. Please use only one.")
    thinking = body.get("thinking") or {}
    thinking_on = thinking.get("type") == "enabled"
    if thinking_on:
        budget = thinking.get("budget_tokens")
        if not isinstance(budget, int) or budget < 1024 or budget >= mt:
            bad("thinking.budget_tokens must be >= 1024 and less than max_tokens")
        if "temperature" in body and body["temperature"] != 1:
            bad("temperature may only be set to 1 when thinking is enabled")
        if (body.get("tool_choice") or {}).get("type") in ("any", "tool"):
            bad("Thinking may not be enabled when tool_choice forces tool use.")
    elif thinking and thinking.get("type") != "disabled":
        bad("thinking.type must be enabled or disabled")
    previous_tool_ids = []
    for i, m in enumerate(msgs):
        role = m.get("role") if isinstance(m, dict) else None
        if role not in ("user", "assistant"):
            bad("messages.%d.role: Input should be 'user' or 'assistant'" % i)
        if i == 0 and role != "user":
            bad("messages: first message must use the user role")
        if i > 0 and msgs[i - 1].get("role") == role:
            bad("messages: roles must alternate between user and assistant (messages.%d)" % i)
        content = m.get("content")
        blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
        if isinstance(content, str) and not content and not (role == "assistant" and i == len(msgs) - 1):
            bad("messages.%d: content must be non-empty" % i)
        if not isinstance(blocks, list) or (not blocks and role == "user"):
            bad("messages.%d.content must be a string or a non-empty list" % i)
        for k, b in enumerate(blocks):
            if isinstance(content, str) and not content:
                continue
            check_block(b, role, "messages.%d.content.%d" % (i, k), counter)
        if role == "user":
            results = [b.get("tool_use_id") for b in blocks if b.get("type") == "tool_result"]
            if previous_tool_ids:
                missing = [t for t in previous_tool_ids if t not in results]
                if missing:
                    bad("messages.%d: tool_use ids were found without tool_result blocks immediately after: %s"
                        % (i, ", ".join(missing)))
                seen_other = False
                for b in blocks:
                    if b.get("type") != "tool_result":
                        seen_other = True
                    elif seen_other:
                        bad("messages.%d: tool_result blocks must come first in the content" % i)
            for r in results:
                if r not in previous_tool_ids:
                    bad("messages.%d: unexpected tool_use_id %s in tool_result blocks" % (i, r))
            previous_tool_ids = []
        else:
            previous_tool_ids = [b["id"] for b in blocks if b.get("type") == "tool_use"]
            if thinking_on and previous_tool_ids and blocks[0].get("type") not in ("thinking", "redacted_thinking"):
                bad("messages.%d.content.0.type: Expected `thinking` or `redacted_thinking`, but found `%s`. "
                    "When thinking is enabled, a final assistant message must start with a thinking block"
                    % (i, blocks[0].get("type")))
    for i, t in enumerate(body.get("tools", []) or []):
        check_cache_control(t, counter)
        if "type" in t and t["type"] != "custom":
            continue  # server tool
        if not TOOL_NAME.match(t.get("name", "")):
            bad("tools.%d.name must match ^[a-zA-Z0-9_-]{1,64}$" % i)
        if (t.get("input_schema") or {}).get("type") != "object":
            bad("tools.%d.input_schema: type must be object" % i)
    tc = body.get("tool_choice")
    if tc is not None:
        if tc.get("type") not in ("auto", "any", "tool", "none"):
            bad("tool_choice.type must be auto, any, tool or none")
        if tc["type"] == "tool" and not any(t.get("name") == tc.get("name") for t in body.get("tools", [])):
            bad("tool_choice names a tool that is not in tools")
    if len(counter) > 4:
        bad("A maximum of 4 blocks with cache_control may be provided. Found %d." % len(counter))
    return counter, thinking_on


def plan(body, scen, ttls, thinking_on):
    blocks, stop = [], "end_turn"
    tools = [t for t in body.get("tools", []) or [] if "input_schema" in t]
    tc = body.get("tool_choice") or {}
    if thinking_on or "thinking" in scen:
        blocks.append({"type": "thinking", "thinking": REASONING, "signature": "sig_fake_" + "A" * 24})
    forced = [t for t in tools if tc.get("type") == "tool" and t["name"] == tc.get("name")]
    if forced or (("tool_call" in scen or "parallel_tools" in scen or tc.get("type") == "any") and tools):
        chosen = forced or tools
        n = 2 if "parallel_tools" in scen else 1
        for k in range(n):
            t = chosen[k % len(chosen)]
            blocks.append({"type": "tool_use", "id": "toolu_fake_%d" % next(COUNTER), "name": t["name"],
                           "input": schema_instance(t["input_schema"])})
        stop = "tool_use"
    else:
        text = json.dumps(body, sort_keys=True) if "echo" in scen else ANSWER
        blocks.append({"type": "text", "text": text})
    if "length" in scen:
        stop = "max_tokens"
    stop_sequence = None
    if "stop_sequence" in scen and body.get("stop_sequences"):
        stop, stop_sequence = "stop_sequence", body["stop_sequences"][0]
    usage = {"input_tokens": 20, "output_tokens": 8, "cache_creation_input_tokens": 0,
             "cache_read_input_tokens": 0, "cache_creation": {"ephemeral_5m_input_tokens": 0,
                                                             "ephemeral_1h_input_tokens": 0},
             "service_tier": "standard"}
    if "cache" in scen or ttls:
        usage["input_tokens"] = 10
        usage["cache_read_input_tokens"] = 100
        usage["cache_creation_input_tokens"] = 20
        key = "ephemeral_1h_input_tokens" if "1h" in ttls else "ephemeral_5m_input_tokens"
        usage["cache_creation"][key] = 20
    if any(b["type"] == "thinking" for b in blocks):
        usage["output_tokens"] += 20
    if "web_search" in scen:
        usage["server_tool_use"] = {"web_search_requests": 2}
    return blocks, stop, stop_sequence, usage


def handle(h, method, rest, headers, body, scen):
    if method != "POST" or rest != "/v1/messages":
        raise FakeError(404, "Unknown path %s (expected /v1/messages)" % rest)
    ttls, thinking_on = validate(headers, body)
    if "no_credit" in scen:  # Anthropic's answer when the account has no credit left
        raise FakeError(400, "Your credit balance is too low to access the Anthropic API. Please go to Plans & "
                             "Billing to upgrade or purchase credits.")
    status = scen.error_status()
    if status:
        extra = {"retry-after": "7"} if status == 429 else {}
        raise FakeError(status, "fake anthropic error %d" % status, extra)
    blocks, stop, stop_sequence, usage = plan(body, scen, ttls, thinking_on)
    rid = "req_fake_%d" % next(COUNTER)
    mid = "msg_fake_%d" % next(COUNTER)
    if not body.get("stream"):
        return h.send_json(200, {"id": mid, "type": "message", "role": "assistant", "model": body["model"],
                                 "content": blocks, "stop_reason": stop, "stop_sequence": stop_sequence,
                                 "usage": usage}, {"request-id": rid})
    delay = scen.arg("slow", 0) / 1000 if "slow" in scen else 0
    h.start_chunked(headers={"request-id": rid})

    def event(name, data):
        h.write_chunk("event: %s\ndata: %s\n\n" % (name, json.dumps(data)))
        if delay:
            time.sleep(delay)

    start_usage = dict(usage, output_tokens=1)
    event("message_start", {"type": "message_start", "message": {
        "id": mid, "type": "message", "role": "assistant", "model": body["model"], "content": [],
        "stop_reason": None, "stop_sequence": None, "usage": start_usage}})
    event("ping", {"type": "ping"})
    for i, b in enumerate(blocks):
        if "midstream_error" in scen and i == len(blocks) - 1:
            event("error", {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})
            return h.end_chunked()
        if "cut" in scen and i == len(blocks) - 1:
            return h.abort_connection()
        if b["type"] == "text":
            event("content_block_start", {"type": "content_block_start", "index": i,
                                          "content_block": {"type": "text", "text": ""}})
            for part in split_text(b["text"], 3):
                event("content_block_delta", {"type": "content_block_delta", "index": i,
                                              "delta": {"type": "text_delta", "text": part}})
        elif b["type"] == "thinking":
            event("content_block_start", {"type": "content_block_start", "index": i,
                                          "content_block": {"type": "thinking", "thinking": "", "signature": ""}})
            for part in split_text(b["thinking"], 2):
                event("content_block_delta", {"type": "content_block_delta", "index": i,
                                              "delta": {"type": "thinking_delta", "thinking": part}})
            event("content_block_delta", {"type": "content_block_delta", "index": i,
                                          "delta": {"type": "signature_delta", "signature": b["signature"]}})
        elif b["type"] == "tool_use":
            event("content_block_start", {"type": "content_block_start", "index": i, "content_block": {
                "type": "tool_use", "id": b["id"], "name": b["name"], "input": {}}})
            event("content_block_delta", {"type": "content_block_delta", "index": i,
                                          "delta": {"type": "input_json_delta", "partial_json": ""}})
            for part in split_text(json.dumps(b["input"]), 3):
                event("content_block_delta", {"type": "content_block_delta", "index": i,
                                              "delta": {"type": "input_json_delta", "partial_json": part}})
        event("content_block_stop", {"type": "content_block_stop", "index": i})
        event("ping", {"type": "ping"})
    delta_usage = {"output_tokens": usage["output_tokens"]}
    if "server_tool_use" in usage:
        delta_usage["server_tool_use"] = usage["server_tool_use"]
    event("message_delta", {"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": stop_sequence},
                            "usage": delta_usage})
    event("message_stop", {"type": "message_stop"})
    h.end_chunked()
