import LayersCore
import LayersModels

/// OpenAI chat request -> Gemini `generateContent` request.
enum GeminiRequestBuilder {
    static let thinkingBudgets: [String: Int] = ["none": 0, "minimal": 0, "low": 1024, "medium": 8192,
                                                 "high": 24576, "xhigh": 32768, "max": 32768]

    static func build(_ request: JSONObject, model: ModelInfo) throws -> JSONObject {
        var body = JSONObject()
        let (system, contents) = try convertMessages(request["messages"]?.arrayValue ?? [])
        body["contents"] = .array(contents)
        if !system.isEmpty { body["systemInstruction"] = ["parts": .array(system)] }

        var tools: [JSONValue] = []
        var declarations: [JSONValue] = []
        for tool in request["tools"]?.arrayValue ?? [] {
            guard tool["type"]?.stringValue == "function", case .object(let function)? = tool["function"] else { continue }
            var declaration: JSONObject = ["name": function["name"] ?? ""]
            if let d = function["description"] { declaration["description"] = d }
            if let parameters = function["parameters"] { declaration["parametersJsonSchema"] = parameters }
            declarations.append(.object(declaration))
        }
        if !declarations.isEmpty { tools.append(["functionDeclarations": .array(declarations)]) }
        if request["web_search"]?.boolValue == true { tools.append(["googleSearch": [:]]) }
        if !tools.isEmpty { body["tools"] = .array(tools) }

        var calling: JSONObject?
        switch request["tool_choice"] {
        case .string("auto")?: calling = ["mode": "AUTO"]
        case .string("none")?: calling = ["mode": "NONE"]
        case .string("required")?: calling = ["mode": "ANY"]
        case .object(let choice)?:
            if let name = choice["function"]?["name"]?.stringValue {
                calling = ["mode": "ANY", "allowedFunctionNames": [.string(name)]]
            }
        default: break
        }
        if let calling, !declarations.isEmpty { body["toolConfig"] = ["functionCallingConfig": .object(calling)] }

        var config = JSONObject()
        if let v = request["temperature"] { config["temperature"] = v }
        if let v = request["top_p"] { config["topP"] = v }
        if let v = request["max_completion_tokens"] ?? request["max_tokens"] { config["maxOutputTokens"] = v }
        switch request["stop"] {
        case .string(let s)?: config["stopSequences"] = [.string(s)]
        case .array(let a)? where !a.isEmpty: config["stopSequences"] = .array(Array(a.prefix(5)))
        default: break
        }
        if let n = request["n"]?.intValue, n > 1 { config["candidateCount"] = JSONValue(n) }
        if let v = request["seed"] { config["seed"] = v }
        if let v = request["presence_penalty"] { config["presencePenalty"] = v }
        if let v = request["frequency_penalty"] { config["frequencyPenalty"] = v }
        switch request["response_format"]?["type"]?.stringValue {
        case "json_schema"?:
            config["responseMimeType"] = "application/json"
            if let schema = request["response_format"]?["json_schema"]?["schema"] { config["responseJsonSchema"] = schema }
        case "json_object"?:
            config["responseMimeType"] = "application/json"
        default: break
        }
        if let thinking = thinkingConfig(request, model: model) { config["thinkingConfig"] = .object(thinking) }
        if !config.isEmpty { body["generationConfig"] = .object(config) }

        if case .object(let options)? = request["google"] {
            for (key, value) in options {
                if key == "generationConfig", case .object(let extra) = value {
                    var merged = body["generationConfig"]?.objectValue ?? JSONObject()
                    for (k, v) in extra { merged[k] = v }
                    body["generationConfig"] = .object(merged)
                } else {
                    body[key] = value
                }
            }
        }
        return body
    }

    /// `reasoning_effort` or the `thinking` extension -> `thinkingConfig` (budgets on 2.5, levels on 3).
    static func thinkingConfig(_ request: JSONObject, model: ModelInfo) -> JSONObject? {
        let name = model.upstreamName
        let isGemini3 = name.hasPrefix("gemini-3")
        let thinks = model.has(.thinking) || name.hasPrefix("gemini-2.5") || isGemini3
        guard thinks else { return nil }
        if let thinking = request["thinking"]?.objectValue {
            let enabled = thinking["type"]?.stringValue == "enabled" || thinking["enabled"]?.boolValue == true
            if isGemini3 {
                return ["thinkingLevel": enabled ? "high" : "low", "includeThoughts": .bool(enabled)]
            }
            let budget = enabled ? (thinking["budget_tokens"]?.intValue ?? -1) : 0
            return ["thinkingBudget": JSONValue(budget), "includeThoughts": .bool(enabled)]
        }
        guard let effort = request["reasoning_effort"]?.stringValue else { return nil }
        if isGemini3 {
            let level = ["none", "minimal", "low"].contains(effort) ? "low" : "high"
            return ["thinkingLevel": .string(level), "includeThoughts": true]
        }
        var budget = thinkingBudgets[effort] ?? 8192
        if budget == 0 && name.contains("pro") { budget = 128 }  // 2.5 Pro cannot turn thinking off
        return ["thinkingBudget": JSONValue(budget), "includeThoughts": .bool(budget != 0)]
    }

    /// OpenAI messages -> (system parts, contents with roles user/model).
    static func convertMessages(_ messages: [JSONValue]) throws -> (system: [JSONValue], contents: [JSONValue]) {
        var system: [JSONValue] = []
        var turns: [(role: String, parts: [JSONValue])] = []
        var callNames: [String: String] = [:]

        func append(_ role: String, _ parts: [JSONValue]) {
            guard !parts.isEmpty else { return }
            if turns.last?.role == role { turns[turns.count - 1].parts += parts } else { turns.append((role, parts)) }
        }

        for (i, value) in messages.enumerated() {
            guard case .object(let message) = value else {
                throw LayersError.invalidRequest(message: "each message must be an object", param: "messages[\(i)]")
            }
            switch message["role"]?.stringValue ?? "" {
            case "system", "developer":
                system += try parts(message["content"], messageIndex: i, allowMedia: false)
            case "user":
                append("user", try parts(message["content"], messageIndex: i, allowMedia: true))
            case "assistant":
                var out = try parts(message["content"], messageIndex: i, allowMedia: false)
                for (k, call) in (message["tool_calls"]?.arrayValue ?? []).enumerated() {
                    guard let id = call["id"]?.stringValue, let name = call["function"]?["name"]?.stringValue else {
                        throw LayersError.invalidRequest(message: "tool call needs an id and a function name",
                                                         param: "messages[\(i)].tool_calls[\(k)]")
                    }
                    callNames[id] = name
                    let arguments = call["function"]?["arguments"]?.stringValue ?? "{}"
                    var args: JSONValue = .object([:])
                    if !arguments.allSatisfy(\.isWhitespace) {
                        guard case .object(let object)? = try? JSONValue.parse(arguments) else {
                            throw LayersError.invalidRequest(message: "tool call arguments must be a JSON object",
                                                             param: "messages[\(i)].tool_calls[\(k)].function.arguments")
                        }
                        args = .object(object)
                    }
                    var part: JSONObject = ["functionCall": ["name": .string(name), "args": args]]
                    if let signature = GeminiToolCallID.signature(from: id) { part["thoughtSignature"] = .string(signature) }
                    out.append(.object(part))
                }
                append("model", out)
            case "tool":
                let id = message["tool_call_id"]?.stringValue ?? ""
                guard let name = callNames[id] ?? message["name"]?.stringValue else {
                    throw LayersError.invalidRequest(
                        message: "tool_call_id \(id) does not match any earlier assistant tool call",
                        param: "messages[\(i)].tool_call_id")
                }
                let text = OpenAIRequestBuilder.textOf(message["content"])
                let response: JSONValue
                if case .object(let object)? = try? JSONValue.parse(text) {
                    response = .object(object)
                } else {
                    response = ["result": .string(text)]
                }
                append("user", [["functionResponse": ["name": .string(name), "response": response]]])
            case let role:
                throw LayersError.invalidRequest(message: "role \(role) is not supported for Gemini models",
                                                 param: "messages[\(i)].role")
            }
        }
        guard !turns.isEmpty else {
            throw LayersError.invalidRequest(message: "at least one user message is required", param: "messages")
        }
        return (system, turns.map { ["role": .string($0.role), "parts": .array($0.parts)] })
    }

    static func parts(_ content: JSONValue?, messageIndex i: Int, allowMedia: Bool) throws -> [JSONValue] {
        switch content {
        case nil, .null?: return []
        case .string(let text)?: return text.isEmpty ? [] : [["text": .string(text)]]
        case .array(let items)?:
            var out: [JSONValue] = []
            for (j, item) in items.enumerated() {
                let param = "messages[\(i)].content[\(j)]"
                switch item["type"]?.stringValue {
                case "text"?:
                    if let text = item["text"]?.stringValue, !text.isEmpty { out.append(["text": .string(text)]) }
                case "refusal"?:
                    continue
                case "image_url"?, "file"?, "input_audio"?:
                    guard allowMedia else {
                        throw LayersError.invalidRequest(message: "media parts are only accepted in user messages",
                                                         param: param)
                    }
                    out.append(try mediaPart(item, param: param))
                case let type:
                    throw LayersError.invalidRequest(
                        message: "content part type \(type ?? "null") is not supported here for Gemini models",
                        param: param)
                }
            }
            return out
        default:
            throw LayersError.invalidRequest(message: "content must be a string or an array of parts",
                                             param: "messages[\(i)].content")
        }
    }

    static func mediaPart(_ item: JSONValue, param: String) throws -> JSONValue {
        switch item["type"]?.stringValue {
        case "input_audio"?:
            guard let data = item["input_audio"]?["data"]?.stringValue else {
                throw LayersError.invalidRequest(message: "input_audio needs data", param: param)
            }
            let format = item["input_audio"]?["format"]?.stringValue ?? "wav"
            return ["inlineData": ["mimeType": .string(format == "mp3" ? "audio/mp3" : "audio/\(format)"),
                                   "data": .string(data)]]
        case "file"?:
            guard let data = item["file"]?["file_data"]?.stringValue else {
                throw LayersError.invalidRequest(message: "file parts need file.file_data (a base64 data URL)",
                                                 param: param)
            }
            let url = DataURL(data) ?? DataURL("data:application/pdf;base64," + data)!
            return ["inlineData": ["mimeType": .string(url.mimeType), "data": .string(url.base64)]]
        default:
            let url = item["image_url"]?["url"]?.stringValue ?? item["image_url"]?.stringValue ?? ""
            if let data = DataURL(url) {
                return ["inlineData": ["mimeType": .string(data.mimeType), "data": .string(data.base64)]]
            }
            guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                throw LayersError.invalidRequest(message: "image URL must be https or a base64 data URL", param: param)
            }
            return ["fileData": ["mimeType": .string(guessMimeType(url: url)), "fileUri": .string(url)]]
        }
    }
}
