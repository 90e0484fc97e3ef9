import LayersCore

/// Embeddings for any supported model: `openai/…` through OpenAI's API (pass-through), `google/…` through
/// Gemini's `batchEmbedContents` (translated), anything else, or a provider without a key, through the Vercel
/// AI Gateway's OpenAI-compatible `/embeddings`.
///
/// ```swift
/// let service = EmbeddingsService(client: client, settings: MediaProviderSettings(environment: env))
/// let result = try await service.embed(try EmbeddingsRequest(json: body))
/// ```
public struct EmbeddingsService: Sendable {
    public let client: UpstreamHTTPClient
    public let settings: MediaProviderSettings

    public init(client: UpstreamHTTPClient, settings: MediaProviderSettings) {
        self.client = client
        self.settings = settings
    }

    /// Throws the 503 when no route is configured for the model, without calling anyone.
    public func checkConfigured(model: String) throws(MediaError) {
        _ = try route(model: model)
    }

    public func embed(_ request: EmbeddingsRequest) async throws(MediaError) -> EmbeddingsResult {
        switch try route(model: request.model) {
        case .openAI(let upstream):
            return try await OpenAIEmbeddingsAdapter(http: client, endpoint: settings.openAI, providerName: "OpenAI",
                                                     servedBy: "openai").embed(request, upstreamModel: upstream)
        case .gemini(let upstream):
            return try await GeminiEmbeddingsAdapter(http: client, endpoint: settings.gemini)
                .embed(request, upstreamModel: upstream)
        case .aiGateway:
            return try await OpenAIEmbeddingsAdapter(http: client, endpoint: settings.aiGateway,
                                                     providerName: "AI Gateway", servedBy: "ai-gateway")
                .embed(request, upstreamModel: request.model)
        }
    }

    enum Route: Equatable {
        case openAI(String)
        case gemini(String)
        case aiGateway
    }

    func route(model: String) throws(MediaError) -> Route {
        let (provider, name) = Self.split(model)
        switch provider {
        case "openai" where settings.openAI.isConfigured: return .openAI(name)
        case "google" where settings.gemini.isConfigured: return .gemini(name)
        default:
            if settings.aiGateway.isConfigured { return .aiGateway }
            switch provider {
            case "openai": throw .notConfigured(provider: "OpenAI", model: model, keyVariable: "OPENAI_API_KEY")
            case "google": throw .notConfigured(provider: "Google", model: model, keyVariable: "GEMINI_API_KEY")
            default:
                throw MediaError(status: 503, type: "configuration_error", code: "provider_not_configured",
                                 message: "No provider is configured for embeddings model \(model): set AI_GATEWAY_API_KEY.")
            }
        }
    }

    static func split(_ model: String) -> (String, String) {
        guard let slash = model.firstIndex(of: "/") else { return ("", model) }
        return (model[..<slash].lowercased(), String(model[model.index(after: slash)...]))
    }
}
