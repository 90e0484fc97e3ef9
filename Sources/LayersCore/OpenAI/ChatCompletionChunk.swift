/// One streamed chunk (`object: "chat.completion.chunk"`), written directly as bytes on the
/// hot path (`write(to:)`) or built as a `JSONValue` (`toJSON()`); both give the same JSON.
///
/// ```swift
/// var out: [UInt8] = []
/// let chunk = ChatCompletionChunk(id: id, created: now, model: model,
///                                 choices: [.init(delta: .init(content: "Hel"))])
/// chunk.writeSSE(to: &out)            // data: {...}\n\n
/// ChatCompletionChunk.usageChunk(id: id, created: now, model: model, usage: usage).writeSSE(to: &out)
/// out += SSEEncoder.done
/// ```
public struct ChatCompletionChunk: Sendable, Hashable {
    /// A fragment of a tool call: `index` says which call; `id`, `type` and the name come in
    /// the first fragment, `arguments` arrive in pieces to be concatenated.
    public struct ToolCallDelta: Sendable, Hashable {
        public var index: Int
        public var id: String?
        public var type: String?
        public var name: String?
        public var arguments: String?

        public init(index: Int, id: String? = nil, type: String? = nil, name: String? = nil, arguments: String? = nil) {
            self.index = index
            self.id = id
            self.type = type
            self.name = name
            self.arguments = arguments
        }

        /// Reads an upstream `tool_calls[i]` delta leniently.
        public init(json: JSONObject) {
            self.init(index: json["index"]?.intValue ?? 0, id: json["id"]?.stringValue, type: json["type"]?.stringValue,
                      name: json["function"]?["name"]?.stringValue, arguments: json["function"]?["arguments"]?.stringValue)
        }
    }

    /// What a choice adds in this chunk.
    public struct Delta: Sendable, Hashable {
        public var role: ChatRole?
        public var content: String?
        /// Reasoning/thinking text (`reasoning_content`).
        public var reasoningContent: String?
        public var refusal: String?
        public var toolCalls: [ToolCallDelta]
        /// Other members kept as given (e.g. Anthropic thinking `signature`s).
        public var extraFields: JSONObject

        public init(role: ChatRole? = nil, content: String? = nil, reasoningContent: String? = nil, refusal: String? = nil,
                    toolCalls: [ToolCallDelta] = [], extraFields: JSONObject = JSONObject()) {
            self.role = role
            self.content = content
            self.reasoningContent = reasoningContent
            self.refusal = refusal
            self.toolCalls = toolCalls
            self.extraFields = extraFields
        }

        /// Reads an upstream `delta` leniently.
        public init(json: JSONObject) {
            let known: Set<String> = ["role", "content", "reasoning_content", "refusal", "tool_calls"]
            self.init(role: json["role"]?.stringValue.flatMap(ChatRole.init(rawValue:)),
                      content: json["content"]?.stringValue,
                      reasoningContent: json["reasoning_content"]?.stringValue,
                      refusal: json["refusal"]?.stringValue,
                      toolCalls: json["tool_calls"]?.arrayValue?.compactMap { $0.objectValue.map(ToolCallDelta.init(json:)) } ?? [],
                      extraFields: JSONObject(json.lazy.filter { !known.contains($0.key) }.map { ($0.key, $0.value) }))
        }
    }

    /// One choice's part of the chunk.
    public struct Choice: Sendable, Hashable {
        public var index: Int
        public var delta: Delta
        /// Set on the choice's last chunk; written as `null` before that.
        public var finishReason: FinishReason?
        /// `logprobs`, omitted when nil.
        public var logprobs: JSONValue?

        public init(index: Int = 0, delta: Delta, finishReason: FinishReason? = nil, logprobs: JSONValue? = nil) {
            self.index = index
            self.delta = delta
            self.finishReason = finishReason
            self.logprobs = logprobs
        }
    }

    public var id: String
    public var created: Int64
    public var model: String
    public var choices: [Choice]
    /// Set on the usage chunk (OpenAI: the one with empty `choices` before `[DONE]`).
    public var usage: OpenAIUsage?
    public var systemFingerprint: String?
    /// Top-level members beyond OpenAI's (e.g. Perplexity `citations`, the gateway's `layers`).
    public var extraFields: JSONObject

    public init(id: String, created: Int64, model: String, choices: [Choice], usage: OpenAIUsage? = nil,
                systemFingerprint: String? = nil, extraFields: JSONObject = JSONObject()) {
        self.id = id
        self.created = created
        self.model = model
        self.choices = choices
        self.usage = usage
        self.systemFingerprint = systemFingerprint
        self.extraFields = extraFields
    }

    /// The final usage chunk: no choices, just `usage` (and any extra fields).
    public static func usageChunk(id: String, created: Int64, model: String, usage: OpenAIUsage,
                                  extraFields: JSONObject = JSONObject()) -> ChatCompletionChunk {
        ChatCompletionChunk(id: id, created: created, model: model, choices: [], usage: usage, extraFields: extraFields)
    }

    /// Reads an OpenAI-compatible upstream chunk leniently; nil if it is not an object.
    public init?(json: JSONValue) {
        guard case .object(let object) = json else { return nil }
        let known: Set<String> = ["id", "object", "created", "model", "choices", "usage", "system_fingerprint"]
        var choices: [Choice] = []
        for (position, value) in (object["choices"]?.arrayValue ?? []).enumerated() {
            guard let choice = value.objectValue else { continue }
            let logprobs = choice["logprobs"]
            choices.append(Choice(
                index: choice["index"]?.intValue ?? position,
                delta: Delta(json: choice["delta"]?.objectValue ?? JSONObject()),
                finishReason: choice["finish_reason"]?.stringValue.flatMap(FinishReason.init(rawValue:)),
                logprobs: logprobs?.isNull == true ? nil : logprobs))
        }
        self.init(id: object["id"]?.stringValue ?? "", created: object["created"]?.int64Value ?? 0,
                  model: object["model"]?.stringValue ?? "", choices: choices,
                  usage: object["usage"].flatMap(OpenAIUsage.init(json:)),
                  systemFingerprint: object["system_fingerprint"]?.stringValue,
                  extraFields: JSONObject(object.lazy.filter { !known.contains($0.key) }.map { ($0.key, $0.value) }))
    }

    // MARK: - Writing

    /// Writes the chunk's JSON straight into `writer`, without building a `JSONValue`.
    public func write(to writer: inout JSONWriter) {
        writer.writeRaw("{\"id\":")
        writer.writeString(id)
        writer.writeRaw(",\"object\":\"chat.completion.chunk\",\"created\":")
        writer.writeRaw(String(created))
        writer.writeRaw(",\"model\":")
        writer.writeString(model)
        if let systemFingerprint {
            writer.writeRaw(",\"system_fingerprint\":")
            writer.writeString(systemFingerprint)
        }
        writer.writeRaw(",\"choices\":[")
        for (position, choice) in choices.enumerated() {
            if position > 0 { writer.writeRaw(",") }
            writer.writeRaw("{\"index\":")
            writer.writeRaw(String(choice.index))
            writer.writeRaw(",\"delta\":")
            Self.write(choice.delta, to: &writer)
            if let logprobs = choice.logprobs {
                writer.writeRaw(",\"logprobs\":")
                writer.write(logprobs)
            }
            writer.writeRaw(",\"finish_reason\":")
            if let reason = choice.finishReason { writer.writeString(reason.rawValue) } else { writer.writeRaw("null") }
            writer.writeRaw("}")
        }
        writer.writeRaw("]")
        if let usage {
            writer.writeRaw(",\"usage\":")
            usage.write(to: &writer)
        }
        writer.writeMembers(of: extraFields)
        writer.writeRaw("}")
    }

    private static func write(_ delta: Delta, to writer: inout JSONWriter) {
        writer.writeRaw("{")
        var first = true
        func key(_ name: String, _ writer: inout JSONWriter) {
            writer.writeRaw(first ? "\"" : ",\"")
            writer.writeRaw(name)
            writer.writeRaw("\":")
            first = false
        }
        if let role = delta.role { key("role", &writer); writer.writeString(role.rawValue) }
        if let content = delta.content { key("content", &writer); writer.writeString(content) }
        if let reasoning = delta.reasoningContent { key("reasoning_content", &writer); writer.writeString(reasoning) }
        if let refusal = delta.refusal { key("refusal", &writer); writer.writeString(refusal) }
        if !delta.toolCalls.isEmpty {
            key("tool_calls", &writer)
            writer.writeRaw("[")
            for (position, call) in delta.toolCalls.enumerated() {
                if position > 0 { writer.writeRaw(",") }
                writer.writeRaw("{\"index\":")
                writer.writeRaw(String(call.index))
                if let id = call.id { writer.writeRaw(",\"id\":"); writer.writeString(id) }
                if let type = call.type { writer.writeRaw(",\"type\":"); writer.writeString(type) }
                if call.name != nil || call.arguments != nil {
                    writer.writeRaw(",\"function\":{")
                    if let name = call.name { writer.writeRaw("\"name\":"); writer.writeString(name) }
                    if let arguments = call.arguments {
                        writer.writeRaw(call.name == nil ? "\"arguments\":" : ",\"arguments\":")
                        writer.writeString(arguments)
                    }
                    writer.writeRaw("}")
                }
                writer.writeRaw("}")
            }
            writer.writeRaw("]")
        }
        if !delta.extraFields.isEmpty {
            for (name, value) in delta.extraFields {
                writer.writeRaw(first ? "" : ",")
                first = false
                writer.writeString(name)
                writer.writeRaw(":")
                writer.write(value)
            }
        }
        writer.writeRaw("}")
    }

    /// The chunk as compact JSON bytes.
    public func serializedBytes() -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 256)
        write(to: &writer)
        return writer.bytes
    }

    /// Appends `data: <chunk>\n\n` to `out`.
    public func writeSSE(to out: inout [UInt8]) {
        var writer = JSONWriter(reservingCapacity: 0)
        swap(&writer.bytes, &out)
        writer.writeRaw("data: ")
        write(to: &writer)
        writer.writeRaw("\n\n")
        swap(&writer.bytes, &out)
    }

    /// The chunk as a `JSONValue` (same members and order as `write(to:)`).
    public func toJSON() -> JSONValue {
        var object: JSONObject = [
            "id": .string(id),
            "object": "chat.completion.chunk",
            "created": JSONValue(created),
            "model": .string(model),
        ]
        if let systemFingerprint { object["system_fingerprint"] = .string(systemFingerprint) }
        object["choices"] = .array(choices.map { choice in
            var c: JSONObject = ["index": JSONValue(choice.index), "delta": Self.deltaJSON(choice.delta)]
            if let logprobs = choice.logprobs { c["logprobs"] = logprobs }
            c["finish_reason"] = choice.finishReason.map { .string($0.rawValue) } ?? .null
            return .object(c)
        })
        if let usage { object["usage"] = usage.toJSON() }
        for (key, value) in extraFields { object[key] = value }
        return .object(object)
    }

    private static func deltaJSON(_ delta: Delta) -> JSONValue {
        var object = JSONObject()
        if let role = delta.role { object["role"] = .string(role.rawValue) }
        if let content = delta.content { object["content"] = .string(content) }
        if let reasoning = delta.reasoningContent { object["reasoning_content"] = .string(reasoning) }
        if let refusal = delta.refusal { object["refusal"] = .string(refusal) }
        if !delta.toolCalls.isEmpty {
            object["tool_calls"] = .array(delta.toolCalls.map { call in
                var c: JSONObject = ["index": JSONValue(call.index)]
                if let id = call.id { c["id"] = .string(id) }
                if let type = call.type { c["type"] = .string(type) }
                if call.name != nil || call.arguments != nil {
                    var function = JSONObject()
                    if let name = call.name { function["name"] = .string(name) }
                    if let arguments = call.arguments { function["arguments"] = .string(arguments) }
                    c["function"] = .object(function)
                }
                return .object(c)
            })
        }
        for (key, value) in delta.extraFields { object[key] = value }
        return .object(object)
    }
}
