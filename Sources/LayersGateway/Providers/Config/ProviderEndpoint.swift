/// Which wire format an endpoint speaks.
public enum ProviderAPI: String, Sendable, Hashable, Codable {
    /// OpenAI itself (`/v1/chat/completions`, strict about unknown fields).
    case openAI = "openai"
    /// Any OpenAI-compatible server (Morph, Ollama, vLLM, OpenRouter, LM Studio, ...).
    case openAICompatible = "openai-compatible"
    /// Perplexity (`/chat/completions` at the host root, search fields, no tools).
    case perplexity
    /// Vercel AI Gateway (OpenAI-compatible, `provider/model` ids).
    case vercelGateway = "vercel-ai-gateway"
    /// Anthropic Messages.
    case anthropic
    /// Google Gemini `generateContent`.
    case gemini
}

/// One configured upstream: where it is, how it is reached, and its key.
///
/// `description` never shows the key.
public struct ProviderEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// The provider id models use (`openai`, `anthropic`, `google`, `perplexity`, `morph`, a custom name),
    /// or `vercel-ai-gateway` for the gateway.
    public var name: String
    public var api: ProviderAPI
    /// Base URL, no trailing slash. OpenAI-style: includes `/v1`; Anthropic and Gemini: the host only;
    /// Perplexity: the host (we append `/chat/completions`).
    public var baseURL: String
    /// The API key; nil for keyless local servers (custom providers only).
    public var apiKey: String?
    /// Extra headers sent with every request (e.g. OpenRouter's `HTTP-Referer`).
    public var extraHeaders: [HTTPHeader]
    /// Custom providers: whether a key is required for the endpoint to count as configured.
    public var requiresKey: Bool
    public var timeouts: UpstreamTimeouts

    public init(name: String, api: ProviderAPI, baseURL: String, apiKey: String?, extraHeaders: [HTTPHeader] = [],
                requiresKey: Bool = true, timeouts: UpstreamTimeouts = .default) {
        self.name = name
        self.api = api
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.apiKey = apiKey.flatMap { $0.isEmpty ? nil : $0 }
        self.extraHeaders = extraHeaders
        self.requiresKey = requiresKey
        self.timeouts = timeouts
    }

    /// True when requests can be sent (a key is present, or none is needed).
    public var isConfigured: Bool { apiKey != nil || !requiresKey }

    public var description: String {
        "\(name) (\(api.rawValue)) at \(baseURL), key \(apiKey == nil ? "not set" : "set")"
    }
}
