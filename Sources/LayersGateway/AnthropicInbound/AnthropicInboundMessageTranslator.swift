import LayersCore

/// One Anthropic message to the OpenAI messages it becomes.
///
/// A user turn's `tool_result` blocks become `tool` messages, emitted first so they directly follow the
/// assistant turn whose `tool_calls` they answer; the rest of the turn follows as one user message. An assistant
/// turn's text joins into `content`, its `tool_use` blocks become `tool_calls`, and its thinking blocks travel
/// as `thinking_blocks` (the Anthropic adapter sends them back with their signatures; the others drop them).
enum AnthropicInboundMessageTranslator {
    static func translate(_ message: JSONValue, index: Int) throws(AnthropicInboundError) -> [JSONValue] {
        let path = "messages.\(index)"
        guard message.objectValue != nil else { throw .invalidRequest("\(path): must be an object") }
        guard let role = message["role"]?.stringValue else { throw .invalidRequest("\(path).role: Field required") }
        guard let content = message["content"] else { throw .invalidRequest("\(path).content: Field required") }
        switch role {
        case "user": return try user(content, path: path)
        case "assistant": return [try assistant(content, path: path)]
        default:
            throw .invalidRequest("\(path).role: must be 'user' or 'assistant' (put system prompts in 'system')")
        }
    }

    private static func blocks(_ content: JSONValue, path: String) throws(AnthropicInboundError) -> [JSONValue] {
        if let text = content.stringValue { return [["type": "text", "text": .string(text)]] }
        guard let list = content.arrayValue else {
            throw .invalidRequest("\(path).content: must be a string or an array of content blocks")
        }
        return list
    }

    static func user(_ content: JSONValue, path: String) throws(AnthropicInboundError) -> [JSONValue] {
        if let text = content.stringValue { return [["role": "user", "content": .string(text)]] }
        var toolMessages: [JSONValue] = []
        var parts: [JSONValue] = []
        for (i, block) in try blocks(content, path: path).enumerated() {
            let blockPath = "\(path).content.\(i)"
            switch block["type"]?.stringValue {
            case "tool_result":
                toolMessages.append(try toolResult(block, path: blockPath))
            case "thinking", "redacted_thinking":
                continue
            default:
                if let part = try contentPart(block, path: blockPath) { parts.append(part) }
            }
        }
        var out = toolMessages
        if !parts.isEmpty {
            let allPlain = parts.allSatisfy { $0["type"]?.stringValue == "text" && $0["cache_control"] == nil }
            if allPlain, parts.count == 1, let text = parts[0]["text"] {
                out.append(["role": "user", "content": text])
            } else {
                out.append(["role": "user", "content": .array(parts)])
            }
        }
        if out.isEmpty { throw .invalidRequest("\(path).content: must not be empty") }
        return out
    }

    static func assistant(_ content: JSONValue, path: String) throws(AnthropicInboundError) -> JSONValue {
        if let text = content.stringValue { return ["role": "assistant", "content": .string(text)] }
        var texts: [String] = []
        var calls: [JSONValue] = []
        var thinking: [JSONValue] = []
        for (i, block) in try blocks(content, path: path).enumerated() {
            let blockPath = "\(path).content.\(i)"
            switch block["type"]?.stringValue {
            case "text":
                guard let text = block["text"]?.stringValue else {
                    throw .invalidRequest("\(blockPath).text: Field required")
                }
                texts.append(text)
            case "tool_use":
                guard let id = block["id"]?.stringValue, let name = block["name"]?.stringValue else {
                    throw .invalidRequest("\(blockPath): tool_use needs 'id' and 'name'")
                }
                let input = block["input"] ?? .object(JSONObject())
                calls.append(["id": .string(id), "type": "function",
                              "function": ["name": .string(name), "arguments": .string(input.serialized())]])
            case "thinking", "redacted_thinking":
                thinking.append(block)  // kept for Anthropic (signatures); the other adapters drop them
            case let other:
                throw .invalidRequest("\(blockPath).type: '\(other ?? "null")' is not allowed in an assistant turn")
            }
        }
        var message: JSONObject = ["role": "assistant"]
        message["content"] = texts.isEmpty ? .null : .string(texts.joined())
        if !calls.isEmpty { message["tool_calls"] = .array(calls) }
        if !thinking.isEmpty { message["thinking_blocks"] = .array(thinking) }
        return .object(message)
    }

    /// A text, image or document block as an OpenAI content part (nil for blocks with nothing to send).
    static func contentPart(_ block: JSONValue, path: String) throws(AnthropicInboundError) -> JSONValue? {
        var part: JSONObject
        switch block["type"]?.stringValue {
        case "text":
            guard let text = block["text"]?.stringValue else { throw .invalidRequest("\(path).text: Field required") }
            part = ["type": "text", "text": .string(text)]
        case "image":
            let url = try sourceURL(block["source"], path: path, kind: "image")
            part = ["type": "image_url", "image_url": ["url": .string(url)]]
        case "document":
            let source = block["source"]
            if source?["type"]?.stringValue == "text", let text = source?["data"]?.stringValue {
                part = ["type": "text", "text": .string(text)]
            } else {
                let url = try sourceURL(source, path: path, kind: "document")
                let filename = block["title"]?.stringValue ?? "document.pdf"
                part = ["type": "file", "file": ["filename": .string(filename), "file_data": .string(url)]]
            }
        case "search_result":
            let title = block["title"]?.stringValue ?? ""
            let texts = (block["content"]?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }
            part = ["type": "text", "text": .string(([title] + texts).filter { !$0.isEmpty }.joined(separator: "\n"))]
        case let other:
            throw .invalidRequest("\(path).type: '\(other ?? "null")' is not a supported content block")
        }
        if let cache = block["cache_control"], !cache.isNull { part["cache_control"] = cache }
        return .object(part)
    }

    /// A `base64` source as a data URL, or a `url` source as is.
    static func sourceURL(_ source: JSONValue?, path: String, kind: String) throws(AnthropicInboundError) -> String {
        guard let source else { throw .invalidRequest("\(path).source: Field required") }
        switch source["type"]?.stringValue {
        case "base64":
            guard let media = source["media_type"]?.stringValue, let data = source["data"]?.stringValue else {
                throw .invalidRequest("\(path).source: base64 sources need 'media_type' and 'data'")
            }
            return "data:\(media);base64,\(data)"
        case "url":
            guard let url = source["url"]?.stringValue else { throw .invalidRequest("\(path).source.url: Field required") }
            return url
        default:
            throw .invalidRequest("\(path).source.type: \(kind) sources must be 'base64' or 'url'")
        }
    }

    /// A `tool_result` as an OpenAI `tool` message: text blocks joined; images (which OpenAI tool messages cannot
    /// carry) replaced by the note `[image omitted]`; `is_error` marked with an `Error: ` prefix.
    static func toolResult(_ block: JSONValue, path: String) throws(AnthropicInboundError) -> JSONValue {
        guard let id = block["tool_use_id"]?.stringValue else {
            throw .invalidRequest("\(path).tool_use_id: Field required")
        }
        var text: String
        switch block["content"] {
        case .none, .some(.null): text = ""
        case .some(.string(let s)): text = s
        case .some(.array(let items)):
            var pieces: [String] = []
            for item in items {
                if let t = item["text"]?.stringValue { pieces.append(t) }
                else if item["type"]?.stringValue == "image" { pieces.append("[image omitted]") }
            }
            text = pieces.joined(separator: "\n")
        default:
            throw .invalidRequest("\(path).content: must be a string or an array of blocks")
        }
        if block["is_error"]?.boolValue == true { text = "Error: " + text }
        return ["role": "tool", "tool_call_id": .string(id), "content": .string(text)]
    }
}
