/// A non-streamed chat completion (`object: "chat.completion"`).
///
/// ```swift
/// let response = ChatCompletionResponse(
///     id: CompletionID.make(), created: now, model: "anthropic/claude-sonnet-4.5",
///     choices: [.init(message: AssistantMessage(content: "Hi!"), finishReason: .stop)],
///     usage: OpenAIUsage(tokenUsage))
/// body = response.serializedBytes()
/// ```
public struct ChatCompletionResponse: Sendable, Hashable {
    /// One choice.
    public struct Choice: Sendable, Hashable {
        public var index: Int
        public var message: AssistantMessage
        public var finishReason: FinishReason
        /// `logprobs`, null unless the upstream sent some.
        public var logprobs: JSONValue

        public init(index: Int = 0, message: AssistantMessage, finishReason: FinishReason, logprobs: JSONValue = .null) {
            self.index = index
            self.message = message
            self.finishReason = finishReason
            self.logprobs = logprobs
        }

        public func toJSON() -> JSONValue {
            [
                "index": JSONValue(index),
                "message": message.toJSON(),
                "logprobs": logprobs,
                "finish_reason": .string(finishReason.rawValue),
            ]
        }
    }

    public var id: String
    /// Unix seconds.
    public var created: Int64
    public var model: String
    public var choices: [Choice]
    public var usage: OpenAIUsage?
    public var systemFingerprint: String?
    public var serviceTier: String?
    /// Top-level members beyond OpenAI's, in order: e.g. Perplexity's `citations` and
    /// `search_results`, and the gateway's `layers` object.
    public var extraFields: JSONObject

    public init(id: String, created: Int64, model: String, choices: [Choice], usage: OpenAIUsage? = nil,
                systemFingerprint: String? = nil, serviceTier: String? = nil, extraFields: JSONObject = JSONObject()) {
        self.id = id
        self.created = created
        self.model = model
        self.choices = choices
        self.usage = usage
        self.systemFingerprint = systemFingerprint
        self.serviceTier = serviceTier
        self.extraFields = extraFields
    }

    /// Reads an OpenAI-compatible upstream response leniently; nil if it has no `choices` array.
    public init?(json: JSONValue) {
        guard case .object(let object) = json, let choiceValues = object["choices"]?.arrayValue else { return nil }
        let known: Set<String> = ["id", "object", "created", "model", "choices", "usage", "system_fingerprint", "service_tier"]
        var choices: [Choice] = []
        for (position, value) in choiceValues.enumerated() {
            guard let choice = value.objectValue else { continue }
            choices.append(Choice(
                index: choice["index"]?.intValue ?? position,
                message: AssistantMessage(json: choice["message"]?.objectValue ?? JSONObject()),
                finishReason: choice["finish_reason"]?.stringValue.flatMap(FinishReason.init(rawValue:)) ?? .stop,
                logprobs: choice["logprobs"] ?? .null))
        }
        self.init(id: object["id"]?.stringValue ?? "", created: object["created"]?.int64Value ?? 0,
                  model: object["model"]?.stringValue ?? "", choices: choices,
                  usage: object["usage"].flatMap(OpenAIUsage.init(json:)),
                  systemFingerprint: object["system_fingerprint"]?.stringValue,
                  serviceTier: object["service_tier"]?.stringValue,
                  extraFields: JSONObject(object.lazy.filter { !known.contains($0.key) }.map { ($0.key, $0.value) }))
    }

    /// The response body.
    public func toJSON() -> JSONValue {
        var object: JSONObject = [
            "id": .string(id),
            "object": "chat.completion",
            "created": JSONValue(created),
            "model": .string(model),
            "choices": .array(choices.map { $0.toJSON() }),
        ]
        if let usage { object["usage"] = usage.toJSON() }
        if let systemFingerprint { object["system_fingerprint"] = .string(systemFingerprint) }
        if let serviceTier { object["service_tier"] = .string(serviceTier) }
        for (key, value) in extraFields { object[key] = value }
        return .object(object)
    }

    /// The response body as compact JSON bytes.
    public func serializedBytes() -> [UInt8] { toJSON().serializedBytes() }

    /// Appends the response body to `buffer`.
    public func write(to buffer: inout [UInt8]) { toJSON().write(to: &buffer) }
}
