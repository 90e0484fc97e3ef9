import LayersCore
import LayersGateway
import LayersModels

/// What the image, embeddings and `/v1/messages` endpoints share: the image and embeddings services (built from
/// the same environment as the chat providers, and on the same upstream HTTP client), and the Anthropic
/// endpoint used for faithful `/v1/messages` pass-through.
struct MediaServices: Sendable {
    let images: ImageGenerationService
    let embeddings: EmbeddingsService
    /// Anthropic's endpoint when its key is set (pass-through for Anthropic models); nil otherwise.
    let anthropic: ProviderEndpoint?
    /// Gemini's endpoint when its key is set (token counting for Gemini models); nil otherwise.
    let google: ProviderEndpoint?
    let http: UpstreamHTTPClient

    init(services: GatewayServices) {
        let router = (services.liveBackend as? ProviderBackend)?.router
        let http = router?.http ?? UpstreamHTTPClient()
        let settings = MediaProviderSettings(environment: services.configuration.environment)
        let limits = ImageLimits(
            maxPromptCharacters: Int(services.configuration.environment["LAYERS_IMAGE_MAX_PROMPT_CHARS"] ?? "") ?? 10_000,
            maxImagesPerRequest: Int(services.configuration.environment["LAYERS_IMAGE_MAX_N"] ?? "") ?? 4)
        self.http = http
        self.images = ImageGenerationService(client: http, settings: settings, limits: limits)
        self.embeddings = EmbeddingsService(client: http, settings: settings)
        if let endpoint = router?.configuration.endpoint(for: "anthropic"), endpoint.isConfigured,
           endpoint.api == .anthropic {
            self.anthropic = endpoint
        } else {
            self.anthropic = nil
        }
        if let endpoint = router?.configuration.endpoint(for: "google"), endpoint.isConfigured, endpoint.api == .gemini {
            self.google = endpoint
        } else {
            self.google = nil
        }
    }
}

extension MediaServices {
    /// Whether `/v1/messages` (and count_tokens) for this model go to Anthropic unchanged: an Anthropic model, a
    /// live key and `ANTHROPIC_API_KEY` set. Everything else is translated.
    func passesThrough(_ model: ModelInfo, isTest: Bool) -> Bool {
        !isTest && model.provider == .anthropic && anthropic != nil
    }
}

extension MediaError {
    /// The gateway's error for a media failure (same status, code and message).
    func layersError(provider: String, model: String) -> LayersError {
        switch status {
        case 429:
            return .providerRateLimited(provider: provider, model: model, retryAfterSeconds: retryAfter.flatMap { Int($0) },
                                        message: message)
        case 502:
            return .providerError(provider: provider, model: model, message: message)
        case 503 where code == "provider_not_configured":
            return .providerNotConfigured(provider: provider, model: model)
        case 503:
            return .providerOverloaded(provider: provider, model: model, retryAfterSeconds: nil)
        case 504:
            // A BFL result not ready by the deadline, or a transport timeout: the whole exchange took too long.
            return .upstreamTimeout(provider: provider, model: model, phase: .total)
        case 499:
            return .serviceUnavailable(message: "The request was cancelled.", retryAfterSeconds: nil)
        default:
            return .invalidRequest(message: message, param: param, code: code)
        }
    }
}

extension AnthropicInboundError {
    /// The gateway's error for a `/v1/messages` validation failure.
    var layersError: LayersError {
        .invalidRequest(message: message, param: nil, code: "invalid_request")
    }
}

/// Bridges the media types' typed throws into the gateway's `LayersError` (through `Result`, which keeps the
/// error type without a `catch` pattern).
enum MediaBridge {
    static func translate(_ body: JSONValue, maxTokensField: String = "max_tokens") throws -> JSONValue {
        let translator = AnthropicInboundRequestTranslator(maxTokensField: maxTokensField)
        switch Result(catching: { () throws(AnthropicInboundError) -> JSONValue in try translator.translate(body) }) {
        case .success(let value): return value
        case .failure(let error): throw error.layersError
        }
    }

    static func validateEnvelope(_ body: JSONValue, requireMaxTokens: Bool) throws {
        switch Result(catching: { () throws(AnthropicInboundError) -> Void in
            try AnthropicPassthrough.validateEnvelope(body, requireMaxTokens: requireMaxTokens)
        }) {
        case .success: return
        case .failure(let error): throw error.layersError
        }
    }

    static func rewriteRequest(_ body: JSONValue, upstreamModel: String) throws -> JSONValue {
        switch Result(catching: { () throws(AnthropicInboundError) -> JSONValue in
            try AnthropicPassthrough.rewriteRequest(body, upstreamModel: upstreamModel)
        }) {
        case .success(let value): return value
        case .failure(let error): throw error.layersError
        }
    }

    static func embeddingsRequest(_ body: JSONValue) throws -> EmbeddingsRequest {
        switch Result(catching: { () throws(MediaError) -> EmbeddingsRequest in try EmbeddingsRequest(json: body) }) {
        case .success(let value): return value
        case .failure(let error):
            throw error.layersError(provider: "gateway", model: body["model"]?.stringValue ?? "")
        }
    }

    /// Runs a check that throws `MediaError`, as `LayersError` naming the model's provider.
    static func check(_ model: ModelInfo, _ body: () throws(MediaError) -> Void) throws {
        switch Result(catching: body) {
        case .success: return
        case .failure(let error): throw error.layersError(provider: model.provider.rawValue, model: model.id)
        }
    }
}
