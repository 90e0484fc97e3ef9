import LayersCore
import LayersModels

/// Picks the adapter for a model: its own provider when that has a key, else the Vercel AI Gateway when
/// configured, else `LayersError.providerNotConfigured` (the server answers 503).
///
/// ```swift
/// let router = ProviderRouter(configuration: try .fromEnvironment(env), registry: registry, http: UpstreamHTTPClient())
/// let provider = try router.provider(for: model)
/// ```
public struct ProviderRouter: Sendable {
    public let configuration: ProviderConfiguration
    public let registry: ModelRegistry
    public let http: UpstreamHTTPClient
    /// The adapter of every configured endpoint, by (lower-case) provider id, and the gateway's: adapters hold no
    /// per-request state, so each is made once instead of on every request.
    private let adapters: [String: any ChatProvider]
    private let gatewayAdapter: (any ChatProvider)?

    public init(configuration: ProviderConfiguration, registry: ModelRegistry, http: UpstreamHTTPClient) {
        self.configuration = configuration
        self.registry = registry
        self.http = http
        var adapters: [String: any ChatProvider] = [:]
        // `configuration.endpoint(for:)` looks ids up lower-cased: an id with capitals is never found.
        for (id, endpoint) in configuration.endpoints where endpoint.isConfigured && id == id.lowercased() {
            adapters[id] = Self.adapter(for: endpoint, http: http)
        }
        self.adapters = adapters
        if let gateway = configuration.gateway, gateway.isConfigured {
            gatewayAdapter = OpenAICompatibleProvider(endpoint: gateway, http: http, useFullModelID: true)
        } else {
            gatewayAdapter = nil
        }
    }

    private static func adapter(for endpoint: ProviderEndpoint, http: UpstreamHTTPClient) -> any ChatProvider {
        switch endpoint.api {
        case .anthropic: return AnthropicProvider(endpoint: endpoint, http: http)
        case .gemini: return GeminiProvider(endpoint: endpoint, http: http)
        case .openAI, .openAICompatible, .perplexity: return OpenAICompatibleProvider(endpoint: endpoint, http: http)
        case .vercelGateway: return OpenAICompatibleProvider(endpoint: endpoint, http: http, useFullModelID: true)
        }
    }

    /// The adapter serving `model`. Throws `LayersError.providerNotConfigured` when neither the model's provider
    /// nor the gateway has a key.
    public func provider(for model: ModelInfo) throws -> any ChatProvider {
        let id = model.provider.rawValue
        // Ids are lower-case in practice: the exact lookup finds them without lower-casing on every request.
        if let adapter = adapters[id] ?? adapters[id.lowercased()] { return adapter }
        if let gatewayAdapter { return gatewayAdapter }
        throw LayersError.providerNotConfigured(provider: model.provider.rawValue, model: model.id)
    }

    /// True when `provider(for:)` would succeed.
    public func isAvailable(_ model: ModelInfo) -> Bool { (try? provider(for: model)) != nil }
}
