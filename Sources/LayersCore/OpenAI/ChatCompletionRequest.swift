import LayersCredits

/// A chat-completions request: a typed view over the request's JSON object.
///
/// Every member the client sent, known or not, stays in `json` in its original order, so an
/// OpenAI-compatible adapter can forward the body with minimal edits; the typed properties
/// read from (and the few setters write to) that same object. `parse` checks the shape of
/// every known field and throws a `LayersError` naming the field (`messages[2].content`);
/// limits (message count, content length) are `ChatRequestValidator`'s job.
///
/// ```swift
/// var request = try ChatCompletionRequest.parse(bodyBytes)
/// request.model                     // "anthropic/claude-sonnet-4.5"
/// request.messages[0].textContent
/// request.model = "gpt-4o"          // edits json["model"]
/// request.includeUsage = true       // sets stream_options.include_usage
/// upstreamBody = request.json.serializedBytes()
/// ```
public struct ChatCompletionRequest: Sendable, Hashable {
    /// The request body, all members preserved.
    public var json: JSONObject

    /// Wraps an object WITHOUT checking it (for bodies the gateway builds itself).
    public init(unchecked json: JSONObject) { self.json = json }

    /// Wraps and checks a request object.
    public init(json: JSONObject) throws(LayersError) {
        try Self.validateShape(json)
        self.json = json
    }

    /// Parses and checks a request body.
    public static func parse<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws(LayersError) -> ChatCompletionRequest {
        let value: JSONValue
        do { value = try JSONValue.parse(bytes) } catch { throw LayersError.invalidJSON(detail: error.description) }
        guard case .object(let object) = value else {
            throw LayersError.invalidJSON(detail: "expected a JSON object, got \(value.typeName)")
        }
        return try ChatCompletionRequest(json: object)
    }

    /// Builds a request from typed parts.
    public init(model: String, messages: [ChatMessage], stream: Bool = false) {
        json = ["model": .string(model), "messages": .array(messages.map { .object($0.json) })]
        if stream { json["stream"] = true }
    }

    // MARK: - OpenAI fields

    /// `model`, "" when absent (the validator reports it).
    public var model: String {
        get { json["model"]?.stringValue ?? "" }
        set { json["model"] = .string(newValue) }
    }

    /// `messages`; empty when absent.
    public var messages: [ChatMessage] {
        get { json["messages"]?.arrayValue?.compactMap { $0.objectValue.map(ChatMessage.init(json:)) } ?? [] }
        set { json["messages"] = .array(newValue.map { .object($0.json) }) }
    }

    /// Number of messages, without building views.
    public var messageCount: Int { json["messages"]?.arrayValue?.count ?? 0 }

    /// `max_tokens` (legacy).
    public var maxTokens: Int? { json["max_tokens"]?.intValue }
    /// `max_completion_tokens`.
    public var maxCompletionTokens: Int? { json["max_completion_tokens"]?.intValue }
    /// The output cap the client asked for: `max_completion_tokens`, else `max_tokens`.
    public var requestedMaxOutputTokens: Int? { maxCompletionTokens ?? maxTokens }

    public var temperature: Double? { json["temperature"]?.doubleValue }
    public var topP: Double? { json["top_p"]?.doubleValue }
    public var frequencyPenalty: Double? { json["frequency_penalty"]?.doubleValue }
    public var presencePenalty: Double? { json["presence_penalty"]?.doubleValue }
    /// `stop` as a list (a single string reads as one element).
    public var stop: [String] {
        switch json["stop"] {
        case .string(let s)?: return [s]
        case .array(let a)?: return a.compactMap(\.stringValue)
        default: return []
        }
    }
    public var n: Int? { json["n"]?.intValue }
    public var seed: Int64? { json["seed"]?.int64Value }
    public var user: String? { json["user"]?.stringValue }
    /// `metadata`: OpenAI's string map; Layers stores it with the usage row for attribution.
    public var metadata: JSONObject? { json["metadata"]?.objectValue }

    public var tools: [ChatTool] {
        json["tools"]?.arrayValue?.compactMap { $0.objectValue.map(ChatTool.init(json:)) } ?? []
    }
    public var toolChoice: ToolChoice? { json["tool_choice"].flatMap(ToolChoice.init(json:)) }
    public var parallelToolCalls: Bool? { json["parallel_tool_calls"]?.boolValue }
    public var responseFormat: ResponseFormat? { json["response_format"].flatMap(ResponseFormat.init(json:)) }
    /// `reasoning_effort`: none, minimal, low, medium, high, xhigh, max.
    public var reasoningEffort: String? { json["reasoning_effort"]?.stringValue }

    /// `stream`.
    public var stream: Bool {
        get { json["stream"]?.boolValue ?? false }
        set { json["stream"] = .bool(newValue) }
    }

    /// `stream_options.include_usage`. Setting it creates `stream_options` if needed and
    /// keeps its other members.
    public var includeUsage: Bool {
        get { json["stream_options"]?["include_usage"]?.boolValue ?? false }
        set {
            var options = json["stream_options"]?.objectValue ?? JSONObject()
            options["include_usage"] = .bool(newValue)
            json["stream_options"] = .object(options)
        }
    }

    // MARK: - Layers extensions (from the original gateway)

    /// `thinking: {type, budget_tokens}`.
    public var thinking: ThinkingOption? { json["thinking"].flatMap(ThinkingOption.init(json:)) }
    /// `web_search: true` asks for web search (Perplexity; search tools elsewhere).
    public var webSearch: Bool { json["web_search"]?.boolValue ?? false }
    /// `search_domains`: domains to restrict web search to.
    public var searchDomains: [String] { json["search_domains"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
    /// `cache: true` asks for prompt caching where the provider needs opting in.
    public var cache: Bool { json["cache"]?.boolValue ?? false }
    /// Provider options passed through unchanged: `anthropic`, `openai` or `google`.
    public func providerOptions(_ provider: String) -> JSONObject? { json[provider]?.objectValue }
    /// `mirror_factory.base_cost_usd`: an externally computed base cost, exact.
    public var mirrorFactoryBaseCost: Picodollars? {
        guard let number = json["mirror_factory"]?["base_cost_usd"]?.numberValue else { return nil }
        return Picodollars(usdString: number.text)
    }

    // MARK: - Field sets

    /// Members of OpenAI's `CreateChatCompletionRequest`.
    public static let openAIFields: Set<String> = [
        "model", "messages", "audio", "frequency_penalty", "function_call", "functions", "logit_bias", "logprobs",
        "max_completion_tokens", "max_tokens", "metadata", "modalities", "moderation", "n", "parallel_tool_calls",
        "prediction", "presence_penalty", "prompt_cache_key", "prompt_cache_options", "prompt_cache_retention",
        "reasoning_effort", "response_format", "safety_identifier", "seed", "service_tier", "stop", "store",
        "stream", "stream_options", "temperature", "tool_choice", "tools", "top_logprobs", "top_p", "user",
        "verbosity", "web_search_options",
    ]

    /// The original Layers extensions.
    public static let layersFields: Set<String> = [
        "thinking", "web_search", "search_domains", "cache", "anthropic", "openai", "google", "mirror_factory",
    ]

    /// Members that are neither OpenAI's nor Layers' (e.g. provider-specific options such as
    /// Perplexity's `search_recency_filter`), in their original order.
    public var unknownFields: JSONObject {
        JSONObject(json.lazy.filter { !Self.openAIFields.contains($0.key) && !Self.layersFields.contains($0.key) }
            .map { ($0.key, $0.value) })
    }

    /// The request body as a `JSONValue`.
    public func toJSON() -> JSONValue { .object(json) }
}
