/// One message of a chat request: a view over the message's JSON object. Unknown members
/// (e.g. `reasoning_content`, Anthropic thinking blocks, `cache_control`) stay in `json`.
///
/// ```swift
/// let message = ChatMessage(role: .user, text: "Hello")
/// message.role          // .user
/// message.textContent   // "Hello"
/// ```
public struct ChatMessage: Sendable, Hashable {
    /// The message's content: a string, or an array of parts.
    public enum Content: Sendable, Hashable {
        case text(String)
        case parts([ChatContentPart])
    }

    /// The message as sent.
    public var json: JSONObject

    /// Wraps a message object (validated by `ChatCompletionRequest` parsing, or trusted).
    public init(json: JSONObject) { self.json = json }

    /// A message with string content.
    public init(role: ChatRole, text: String, name: String? = nil) {
        json = ["role": .string(role.rawValue), "content": .string(text)]
        if let name { json["name"] = .string(name) }
    }

    /// A message with array content.
    public init(role: ChatRole, parts: [ChatContentPart]) {
        json = ["role": .string(role.rawValue), "content": .array(parts.map { .object($0.json) })]
    }

    /// An assistant turn that called tools (content may be nil).
    public init(assistantText: String?, toolCalls: [ToolCall]) {
        json = ["role": "assistant", "content": assistantText.map(JSONValue.string) ?? .null]
        if !toolCalls.isEmpty { json["tool_calls"] = .array(toolCalls.map { $0.toJSON() }) }
    }

    /// A tool result answering `toolCallID`.
    public init(toolCallID: String, result: String) {
        json = ["role": "tool", "tool_call_id": .string(toolCallID), "content": .string(result)]
    }

    /// The role (`user` if absent or unknown; parsing rejects both).
    public var role: ChatRole { json["role"]?.stringValue.flatMap(ChatRole.init(rawValue:)) ?? .user }

    /// The content, nil when absent or null (assistant turns with only tool calls).
    public var content: Content? {
        switch json["content"] {
        case .string(let text)?: return .text(text)
        case .array(let parts)?: return .parts(parts.compactMap { $0.objectValue.map(ChatContentPart.init(json:)) })
        default: return nil
        }
    }

    /// The parts of array content; string content reads as one text part.
    public var parts: [ChatContentPart] {
        switch content {
        case .text(let text): return [.text(text)]
        case .parts(let parts): return parts
        case nil: return []
        }
    }

    /// All text of the message: string content, or its text parts joined with "\n".
    public var textContent: String {
        switch content {
        case .text(let text): return text
        case .parts(let parts): return parts.compactMap { $0.kind == .text ? $0.text : nil }.joined(separator: "\n")
        case nil: return ""
        }
    }

    /// Whether any part is not text (images, audio, files).
    public var hasNonTextParts: Bool { parts.contains { $0.kind != .text } }

    /// The content's length in characters (UTF-16 code units, as the original Layers counted):
    /// string content, or the sum over text parts. Image, audio and file payloads are not
    /// counted here; the request body size limit bounds them.
    public var contentLength: Int {
        switch json["content"] {
        case .string(let text)?: return text.utf16.count
        case .array(let parts)?:
            return parts.reduce(0) { sum, part in
                guard part["type"]?.stringValue == "text" else { return sum }
                return sum + (part["text"]?.stringValue?.utf16.count ?? 0)
            }
        default: return 0
        }
    }

    /// The `name` member.
    public var name: String? { json["name"]?.stringValue }
    /// An assistant message's tool calls.
    public var toolCalls: [ToolCall] {
        json["tool_calls"]?.arrayValue?.compactMap { $0.objectValue.map(ToolCall.init(json:)) } ?? []
    }
    /// A tool message's `tool_call_id`.
    public var toolCallID: String? { json["tool_call_id"]?.stringValue }
    /// An assistant message's `reasoning_content` (a common extension), if present.
    public var reasoningContent: String? { json["reasoning_content"]?.stringValue }
    /// A `cache_control` member on the message, if present.
    public var cacheControl: JSONValue? { json["cache_control"] }

    /// Checks the message's shape, naming the field at fault (`messages[2].content`).
    static func validate(_ value: JSONValue, _ path: String) throws(LayersError) {
        let object = try RequestFieldChecks.object(value, path)
        guard let roleValue = object["role"] else { throw RequestFieldChecks.missing("\(path).role") }
        try RequestFieldChecks.oneOf(roleValue, "\(path).role", ChatRole.allCases.map(\.rawValue))
        let role = ChatRole(rawValue: roleValue.stringValue ?? "") ?? .user
        switch object["content"] {
        case nil, .null?:
            // Only assistant turns with tool calls (or a refusal) may omit content.
            if role != .assistant { throw RequestFieldChecks.missing("\(path).content") }
        case .string?:
            break
        case .array(let parts)?:
            for (i, part) in parts.enumerated() { try ChatContentPart.validate(part, "\(path).content[\(i)]") }
        case let other?:
            throw RequestFieldChecks.typeError("\(path).content", expected: "a string or an array of content parts", got: other)
        }
        try RequestFieldChecks.optionalString(object, "name", "\(path).name")
        if let calls = object["tool_calls"], !calls.isNull {
            if role != .assistant {
                throw RequestFieldChecks.valueError("\(path).tool_calls", "only assistant messages may have tool_calls.")
            }
            for (i, call) in try RequestFieldChecks.array(calls, "\(path).tool_calls").enumerated() {
                try ToolCall.validate(call, "\(path).tool_calls[\(i)]")
            }
        }
        if role == .tool {
            try RequestFieldChecks.requiredString(object, "tool_call_id", "\(path).tool_call_id")
        } else {
            try RequestFieldChecks.optionalString(object, "tool_call_id", "\(path).tool_call_id")
        }
    }
}
