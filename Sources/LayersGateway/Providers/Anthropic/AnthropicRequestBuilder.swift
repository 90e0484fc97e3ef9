import LayersCore
import LayersModels

/// OpenAI chat request -> Anthropic Messages request.
enum AnthropicRequestBuilder {
    static let apiVersion = "2023-06-01"
    static let thinkingBudgets: [String: Int] = ["minimal": 1024, "low": 2048, "medium": 8192, "high": 16384,
                                                 "xhigh": 32768, "max": 32768]

    static func build(_ request: JSONObject, model: ModelInfo, stream: Bool) throws -> (JSONObject, AnthropicPlan) {
        var plan = AnthropicPlan()
        var body = JSONObject()
        body["model"] = .string(model.upstreamName)

        let (system, messages) = try convertMessages(request["messages"]?.arrayValue ?? [])
        // max_tokens is required by Anthropic: the client's value, else the model's maximum output.
        var maxTokens = request["max_completion_tokens"]?.intValue ?? request["max_tokens"]?.intValue
            ?? model.maxOutputTokens ?? 4096
        body["max_tokens"] = JSONValue(maxTokens)
        if !system.isEmpty {
            if system.count == 1, system[0]["cache_control"] == nil, let text = system[0]["text"]?.stringValue {
                body["system"] = .string(text)
            } else {
                body["system"] = .array(system)
            }
        }
        body["messages"] = .array(messages)

        // Sampling.
        if let temperature = request["temperature"], let t = temperature.doubleValue {
            body["temperature"] = t > 1 ? 1 : temperature  // OpenAI's range is 0...2, Anthropic's 0...1
        }
        // Claude 4.1 and later refuse temperature and top_p together; temperature wins (Anthropic's advice is to
        // tune one of them).
        if let p = request["top_p"], body["temperature"] == nil { body["top_p"] = p }
        let stops: [String]
        switch request["stop"] {
        case .string(let s)?: stops = [s]
        case .array(let a)?: stops = a.compactMap(\.stringValue)
        default: stops = []
        }
        let usableStops = stops.filter { !$0.allSatisfy(\.isWhitespace) }
        if !usableStops.isEmpty { body["stop_sequences"] = .array(usableStops.map(JSONValue.string)) }
        if let user = request["user"]?.stringValue { body["metadata"] = ["user_id": .string(user)] }
        if stream { body["stream"] = true }

        // Tools.
        var tools: [JSONValue] = []
        for tool in request["tools"]?.arrayValue ?? [] {
            guard case .object(let t) = tool else { continue }
            if t["type"]?.stringValue == "function", case .object(let function)? = t["function"] {
                var converted: JSONObject = ["name": function["name"] ?? ""]
                if let d = function["description"] { converted["description"] = d }
                converted["input_schema"] = function["parameters"] ?? ["type": "object", "properties": [:]]
                if let cache = t["cache_control"] ?? function["cache_control"] { converted["cache_control"] = cache }
                tools.append(.object(converted))
            } else {
                tools.append(tool)  // an Anthropic server tool, passed through unchanged
            }
        }
        if request["web_search"]?.boolValue == true {
            var search: JSONObject = ["type": "web_search_20250305", "name": "web_search", "max_uses": 5]
            if case .array(let domains)? = request["search_domains"], !domains.isEmpty {
                search["allowed_domains"] = .array(domains)
            }
            tools.append(.object(search))
        }
        var toolChoice: JSONObject?
        switch request["tool_choice"] {
        case .string("auto")?: toolChoice = ["type": "auto"]
        case .string("none")?: toolChoice = ["type": "none"]
        case .string("required")?: toolChoice = ["type": "any"]
        case .object(let choice)?:
            if let name = choice["function"]?["name"]?.stringValue { toolChoice = ["type": "tool", "name": .string(name)] }
        default: break
        }
        if request["parallel_tool_calls"]?.boolValue == false, !tools.isEmpty {
            var choice = toolChoice ?? ["type": "auto"]
            if choice["type"]?.stringValue != "none" { choice["disable_parallel_tool_use"] = true }
            toolChoice = choice
        }

        // response_format: a forced tool whose input is the JSON answer.
        switch request["response_format"]?["type"]?.stringValue {
        case "json_schema"?:
            let format = request["response_format"]?["json_schema"]
            var schema = format?["schema"] ?? ["type": "object"]
            if schema["type"]?.stringValue != "object" {
                schema = ["type": "object", "properties": ["value": schema], "required": ["value"]]
                plan.jsonWrapped = true
            }
            let name = toolName(format?["name"]?.stringValue ?? "json_response")
            plan.jsonToolName = name
            tools.append(["name": .string(name),
                          "description": format?["description"] ?? "Respond with JSON that matches this schema.",
                          "input_schema": schema])
            toolChoice = ["type": "tool", "name": .string(name)]
        case "json_object"?:
            plan.jsonToolName = "json_response"
            tools.append(["name": "json_response", "description": "Respond with a JSON object.",
                          "input_schema": ["type": "object", "additionalProperties": true]])
            toolChoice = ["type": "tool", "name": "json_response"]
        default: break
        }
        if !tools.isEmpty { body["tools"] = .array(tools) }
        if let toolChoice { body["tool_choice"] = .object(toolChoice) }

        // Thinking: the `thinking` extension or reasoning_effort.
        var budget: Int?
        if let thinking = request["thinking"]?.objectValue {
            if thinking["type"]?.stringValue == "enabled" || thinking["enabled"]?.boolValue == true {
                budget = thinking["budget_tokens"]?.intValue ?? 8192
            }
        } else if let effort = request["reasoning_effort"]?.stringValue, model.has(.thinking) {
            budget = thinkingBudgets[effort]
        }
        let forcedTool = ["any", "tool"].contains(toolChoice?["type"]?.stringValue ?? "")
        if var budget, !forcedTool, !lastAssistantToolTurnLacksThinking(messages) {
            let cap = model.maxOutputTokens ?? Int.max
            if maxTokens <= budget { maxTokens = min(cap, budget + maxTokens) }
            if budget >= maxTokens { budget = maxTokens - 1 }
            if budget >= 1024 {
                body["max_tokens"] = JSONValue(maxTokens)
                body["thinking"] = ["type": "enabled", "budget_tokens": JSONValue(budget)]
                body.removeValue(forKey: "temperature")
                body.removeValue(forKey: "top_p")
                plan.thinkingEnabled = true
            }
        }

        if request["cache"]?.boolValue == true { addCacheBreakpoints(&body) }
        if case .object(let options)? = request["anthropic"] {
            for (key, value) in options where key != "betas" { body[key] = value }
        }
        return (body, plan)
    }

    /// `anthropic.betas` (a Layers extension) as the `anthropic-beta` header value.
    static func betaHeader(_ request: JSONObject) -> String? {
        guard case .array(let betas)? = request["anthropic"]?["betas"] else { return nil }
        let names = betas.compactMap(\.stringValue)
        return names.isEmpty ? nil : names.joined(separator: ",")
    }

    static func toolName(_ raw: String) -> String {
        let cleaned = String(raw.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" ? $0 : "_" }.prefix(64))
        return cleaned.isEmpty ? "json_response" : cleaned
    }

    /// Anthropic rejects a tool-use continuation without the thinking block that preceded the call, so thinking is
    /// left off when the client did not send the blocks back.
    static func lastAssistantToolTurnLacksThinking(_ messages: [JSONValue]) -> Bool {
        guard let last = messages.last(where: { $0["role"]?.stringValue == "assistant" }),
              case .array(let blocks)? = last["content"] else { return false }
        let hasToolUse = blocks.contains { $0["type"]?.stringValue == "tool_use" }
        let startsWithThinking = ["thinking", "redacted_thinking"].contains(blocks.first?["type"]?.stringValue ?? "")
        return hasToolUse && !startsWithThinking
    }

    /// The `cache: true` extension: breakpoints on the system prompt, the tools and the last message, unless the
    /// client placed its own.
    static func addCacheBreakpoints(_ body: inout JSONObject) {
        let serialized = JSONValue.object(body).serialized()
        guard !serialized.contains("\"cache_control\"") else { return }
        let mark: JSONValue = ["type": "ephemeral"]
        if case .string(let text)? = body["system"] {
            body["system"] = [["type": "text", "text": .string(text), "cache_control": mark]]
        } else if case .array(var blocks)? = body["system"], var last = blocks.last?.objectValue {
            last["cache_control"] = mark
            blocks[blocks.count - 1] = .object(last)
            body["system"] = .array(blocks)
        }
        if case .array(var tools)? = body["tools"], var last = tools.last?.objectValue {
            last["cache_control"] = mark
            tools[tools.count - 1] = .object(last)
            body["tools"] = .array(tools)
        }
        if case .array(var messages)? = body["messages"], var message = messages.last?.objectValue,
           case .array(var blocks)? = message["content"], var block = blocks.last?.objectValue,
           !["thinking", "redacted_thinking"].contains(block["type"]?.stringValue ?? "") {
            block["cache_control"] = mark
            blocks[blocks.count - 1] = .object(block)
            message["content"] = .array(blocks)
            messages[messages.count - 1] = .object(message)
            body["messages"] = .array(messages)
        }
    }
}
