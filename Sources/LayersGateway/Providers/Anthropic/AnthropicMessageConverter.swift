import LayersCore

extension AnthropicRequestBuilder {
    /// OpenAI messages -> (system blocks, alternating user/assistant messages).
    ///
    /// System and developer messages go to `system`; `tool` messages become `tool_result` blocks in a user turn
    /// (consecutive results merged, results first); assistant `tool_calls` become `tool_use` blocks after any
    /// `thinking_blocks` the client sent back; neighbours with the same role are merged so roles alternate.
    static func convertMessages(_ messages: [JSONValue]) throws -> (system: [JSONValue], messages: [JSONValue]) {
        var system: [JSONValue] = []
        var turns: [(role: String, blocks: [JSONValue])] = []

        func append(_ role: String, _ blocks: [JSONValue]) {
            guard !blocks.isEmpty else { return }
            if let last = turns.last, last.role == role {
                if role == "user" {
                    // tool_result blocks must lead the user turn.
                    let combined = last.blocks + blocks
                    let results = combined.filter { $0["type"]?.stringValue == "tool_result" }
                    let others = combined.filter { $0["type"]?.stringValue != "tool_result" }
                    turns[turns.count - 1].blocks = results + others
                } else {
                    turns[turns.count - 1].blocks += blocks
                }
            } else {
                turns.append((role, blocks))
            }
        }

        for (i, value) in messages.enumerated() {
            guard case .object(let message) = value else {
                throw LayersError.invalidRequest(message: "each message must be an object", param: "messages[\(i)]")
            }
            let role = message["role"]?.stringValue ?? ""
            switch role {
            case "system", "developer":
                var blocks = try contentBlocks(message["content"], messageIndex: i, allowMedia: false)
                applyMessageCacheControl(message, to: &blocks)
                system += blocks
            case "user":
                var blocks = try contentBlocks(message["content"], messageIndex: i, allowMedia: true)
                applyMessageCacheControl(message, to: &blocks)
                append("user", blocks)
            case "assistant":
                var blocks: [JSONValue] = []
                for block in message["thinking_blocks"]?.arrayValue ?? [] {
                    switch block["type"]?.stringValue {
                    case "thinking"?:
                        blocks.append(["type": "thinking", "thinking": block["thinking"] ?? "",
                                       "signature": block["signature"] ?? ""])
                    case "redacted_thinking"?:
                        blocks.append(["type": "redacted_thinking", "data": block["data"] ?? ""])
                    default: break
                    }
                }
                blocks += try contentBlocks(message["content"], messageIndex: i, allowMedia: false)
                for (k, call) in (message["tool_calls"]?.arrayValue ?? []).enumerated() {
                    guard let id = call["id"]?.stringValue, let name = call["function"]?["name"]?.stringValue else {
                        throw LayersError.invalidRequest(message: "tool call needs an id and a function name",
                                                         param: "messages[\(i)].tool_calls[\(k)]")
                    }
                    let arguments = call["function"]?["arguments"]?.stringValue ?? "{}"
                    let input: JSONValue
                    if arguments.allSatisfy(\.isWhitespace) {
                        input = .object([:])
                    } else if case .object(let object)? = try? JSONValue.parse(arguments) {
                        input = .object(object)
                    } else {
                        throw LayersError.invalidRequest(message: "tool call arguments must be a JSON object",
                                                         param: "messages[\(i)].tool_calls[\(k)].function.arguments")
                    }
                    blocks.append(["type": "tool_use", "id": .string(id), "name": .string(name), "input": input])
                }
                applyMessageCacheControl(message, to: &blocks)
                append("assistant", blocks)
            case "tool":
                guard let id = message["tool_call_id"]?.stringValue else {
                    throw LayersError.invalidRequest(message: "tool messages need tool_call_id",
                                                     param: "messages[\(i)].tool_call_id")
                }
                var result: JSONObject = ["type": "tool_result", "tool_use_id": .string(id)]
                switch message["content"] {
                case .string(let text)?:
                    if !text.isEmpty { result["content"] = .string(text) }
                case .array?:
                    let blocks = try contentBlocks(message["content"], messageIndex: i, allowMedia: true)
                    if !blocks.isEmpty { result["content"] = .array(blocks) }
                default: break
                }
                if let cache = message["cache_control"] { result["cache_control"] = cache }
                append("user", [.object(result)])
            default:
                throw LayersError.invalidRequest(message: "role \(role) is not supported for Anthropic models",
                                                 param: "messages[\(i)].role")
            }
        }
        if turns.first?.role == "assistant" {
            turns.insert(("user", [["type": "text", "text": "."]]), at: 0)
        }
        guard !turns.isEmpty else {
            throw LayersError.invalidRequest(message: "at least one user message is required", param: "messages")
        }
        let converted: [JSONValue] = turns.map { ["role": .string($0.role), "content": .array($0.blocks)] }
        return (system, converted)
    }

    /// A message-level `cache_control` (some clients put it there) moves to the message's last block.
    static func applyMessageCacheControl(_ message: JSONObject, to blocks: inout [JSONValue]) {
        guard let cache = message["cache_control"], var last = blocks.last?.objectValue else { return }
        last["cache_control"] = cache
        blocks[blocks.count - 1] = .object(last)
    }

    /// OpenAI content (string or parts) -> Anthropic blocks. Empty text is dropped (Anthropic rejects it).
    static func contentBlocks(_ content: JSONValue?, messageIndex i: Int, allowMedia: Bool) throws -> [JSONValue] {
        switch content {
        case nil, .null?: return []
        case .string(let text)?: return text.isEmpty ? [] : [["type": "text", "text": .string(text)]]
        case .array(let parts)?:
            var blocks: [JSONValue] = []
            for (j, part) in parts.enumerated() {
                let param = "messages[\(i)].content[\(j)]"
                guard case .object(let p) = part else {
                    throw LayersError.invalidRequest(message: "content parts must be objects", param: param)
                }
                var block: JSONObject
                switch p["type"]?.stringValue {
                case "text"?:
                    guard let text = p["text"]?.stringValue, !text.isEmpty else { continue }
                    block = ["type": "text", "text": .string(text)]
                case "image_url"?:
                    guard allowMedia else {
                        throw LayersError.invalidRequest(message: "images are only accepted in user and tool messages",
                                                         param: param)
                    }
                    let url = p["image_url"]?["url"]?.stringValue ?? p["image_url"]?.stringValue ?? ""
                    block = try mediaBlock(type: "image", url: url, param: param)
                case "file"?:
                    guard allowMedia, let data = p["file"]?["file_data"]?.stringValue else {
                        throw LayersError.invalidRequest(
                            message: "file parts need file.file_data as a base64 data URL (file ids are OpenAI-only)",
                            param: param)
                    }
                    block = try mediaBlock(type: "document", url: data.hasPrefix("data:") ? data
                                            : "data:application/pdf;base64," + data, param: param)
                case "refusal"?:
                    continue
                case "image"?, "document"?:
                    block = p  // already in Anthropic's shape
                case "input_audio"?:
                    throw LayersError.invalidRequest(message: "Anthropic models do not accept audio input", param: param)
                case let other:
                    throw LayersError.invalidRequest(message: "unsupported content part type \(other ?? "null")",
                                                     param: param)
                }
                if let cache = p["cache_control"] { block["cache_control"] = cache }
                blocks.append(.object(block))
            }
            return blocks
        default:
            throw LayersError.invalidRequest(message: "content must be a string or an array of parts",
                                             param: "messages[\(i)].content")
        }
    }

    static func mediaBlock(type: String, url: String, param: String) throws -> JSONObject {
        if let data = DataURL(url) {
            return ["type": .string(type),
                    "source": ["type": "base64", "media_type": .string(data.mimeType), "data": .string(data.base64)]]
        }
        if url.hasPrefix("https://") || url.hasPrefix("http://") {
            return ["type": .string(type), "source": ["type": "url", "url": .string(url)]]
        }
        throw LayersError.invalidRequest(message: "\(type) URL must be https or a base64 data URL", param: param)
    }
}
