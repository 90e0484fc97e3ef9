import LayersCore

/// Builds the upstream body for OpenAI and OpenAI-compatible endpoints: the client's body passed through with
/// minimal edits (model name, usage forced on for streams, Layers-only fields removed, a few per-provider
/// adjustments), never a decode-and-re-encode of everything.
enum OpenAIRequestBuilder {
    /// Fields only Layers understands; never sent upstream.
    static let layersOnlyFields: [String] = [
        "thinking", "web_search", "search_domains", "cache", "anthropic", "google", "openai", "mirror_factory",
        "reasoning_format", "layers",
    ]
    /// Members our responses add to assistant messages; clients send them back, OpenAI rejects them.
    static let responseOnlyMessageFields: [String] = ["reasoning_content", "thinking_blocks", "reasoning",
                                                      "reasoning_details"]

    /// Sampling knobs OpenAI's reasoning models (o-series, GPT-5 thinking) refuse with a 400.
    static let reasoningModelRefused: [String] = ["temperature", "top_p", "presence_penalty", "frequency_penalty"]

    /// `reasoningModel`: for OpenAI itself, whether the model reasons (registry capability `thinking`). OpenAI
    /// answers 400 to `max_tokens` and sampling knobs on reasoning models and to `reasoning_effort` on the others,
    /// while the other adapters accept or ignore them; those few fields are adjusted so one request works on every
    /// model. nil: no adjustment.
    static func body(from request: JSONObject, upstreamModel: String, stream: Bool, api: ProviderAPI,
                     reasoningModel: Bool? = nil) -> JSONObject {
        var body = request
        body["model"] = .string(upstreamModel)
        if api == .openAI, let reasoningModel {
            if reasoningModel {
                if let max = body.removeValue(forKey: "max_tokens"), body["max_completion_tokens"] == nil {
                    body["max_completion_tokens"] = max
                }
                for knob in reasoningModelRefused { body.removeValue(forKey: knob) }
            } else {
                body.removeValue(forKey: "reasoning_effort")
            }
        }
        let providerOptions = request["openai"]?.objectValue
        for field in layersOnlyFields { body.removeValue(forKey: field) }
        if api == .openAI, let providerOptions {
            for (key, value) in providerOptions { body[key] = value }
        }
        if !(api == .openAI && request["store"]?.boolValue == true) {
            body.removeValue(forKey: "metadata")
        }
        if stream {
            body["stream"] = true
            if api == .perplexity {
                body.removeValue(forKey: "stream_options")
            } else {
                var options = body["stream_options"]?.objectValue ?? JSONObject()
                options["include_usage"] = true
                body["stream_options"] = .object(options)
            }
        } else {
            body.removeValue(forKey: "stream")
            body.removeValue(forKey: "stream_options")
        }
        if case .array(let messages)? = body["messages"] {
            let stripCache = api != .vercelGateway && api != .openAICompatible
            if let cleaned = cleanMessages(messages, stripCacheControl: stripCache, perplexity: api == .perplexity) {
                body["messages"] = .array(cleaned)
            }
        }
        if api == .openAI, case .array(let tools)? = body["tools"],
           tools.contains(where: { $0["cache_control"] != nil }) {
            body["tools"] = .array(tools.map { tool in
                guard var object = tool.objectValue else { return tool }
                object.removeValue(forKey: "cache_control")
                return .object(object)
            })
        }
        if api == .perplexity { adjustForPerplexity(&body, request: request) }
        return body
    }

    /// Returns nil when no message needs a change (the common case: no copy).
    static func cleanMessages(_ messages: [JSONValue], stripCacheControl: Bool, perplexity: Bool) -> [JSONValue]? {
        func needsChange(_ message: JSONValue) -> Bool {
            guard case .object(let m) = message else { return false }
            if responseOnlyMessageFields.contains(where: { m[$0] != nil }) { return true }
            if perplexity && (m["role"]?.stringValue == "tool" || m["tool_calls"] != nil) { return true }
            if stripCacheControl {
                if m["cache_control"] != nil { return true }
                if case .array(let parts)? = m["content"], parts.contains(where: { $0["cache_control"] != nil }) {
                    return true
                }
            }
            return false
        }
        guard messages.contains(where: needsChange) || perplexity else { return nil }
        var result: [JSONValue] = []
        result.reserveCapacity(messages.count)
        for message in messages {
            guard case .object(var m) = message else { result.append(message); continue }
            for field in responseOnlyMessageFields { m.removeValue(forKey: field) }
            if stripCacheControl {
                m.removeValue(forKey: "cache_control")
                if case .array(let parts)? = m["content"] {
                    m["content"] = .array(parts.map { part in
                        guard case .object(var p) = part else { return part }
                        p.removeValue(forKey: "cache_control")
                        return .object(p)
                    })
                }
            }
            if perplexity {
                // Perplexity has no tools: tool results become user text, calls are dropped, and roles must
                // alternate after the system messages, so neighbours with the same role are merged.
                if m["role"]?.stringValue == "tool" {
                    m = ["role": "user", "content": .string("Tool result: " + textOf(m["content"]))]
                }
                m.removeValue(forKey: "tool_calls")
                if m["content"] == nil || m["content"]?.isNull == true { m["content"] = "" }
                if let last = result.last?.objectValue, let role = m["role"]?.stringValue, role != "system",
                   last["role"]?.stringValue == role {
                    var merged = last
                    merged["content"] = .string(textOf(last["content"]) + "\n\n" + textOf(m["content"]))
                    result[result.count - 1] = .object(merged)
                    continue
                }
            }
            result.append(.object(m))
        }
        return result
    }

    static func textOf(_ content: JSONValue?) -> String {
        switch content {
        case .string(let s)?: return s
        case .array(let parts)?: return parts.compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
        default: return ""
        }
    }

    private static func adjustForPerplexity(_ body: inout JSONObject, request: JSONObject) {
        for field in ["tools", "tool_choice", "parallel_tool_calls", "functions", "function_call"] {
            body.removeValue(forKey: field)
        }
        if body["max_tokens"] == nil, let max = body.removeValue(forKey: "max_completion_tokens") {
            body["max_tokens"] = max
        } else {
            body.removeValue(forKey: "max_completion_tokens")
        }
        if body["search_domain_filter"] == nil, case .array(let domains)? = request["search_domains"], !domains.isEmpty {
            body["search_domain_filter"] = .array(domains)
        }
    }
}
