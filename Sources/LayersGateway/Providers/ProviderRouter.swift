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

    public init(configuration: ProviderConfiguration, registry: ModelRegistry, http: UpstreamHTTPClient) {
        self.configuration = configuration
        self.registry = registry
        self.http = http
    }

    /// The adapter serving `model`. Throws `LayersError.providerNotConfigured` when neither the model's provider
    /// nor the gateway has a key.
    public func provider(for model: ModelInfo) throws -> any ChatProvider {
        if let endpoint = configuration.endpoint(for: model.provider.rawValue), endpoint.isConfigured {
            switch endpoint.api {
            case .anthropic: return AnthropicProvider(endpoint: endpoint, http: http)
            case .gemini: return GeminiProvider(endpoint: endpoint, http: http)
            case .openAI, .openAICompatible, .perplexity: return OpenAICompatibleProvider(endpoint: endpoint, http: http)
            case .vercelGateway: return OpenAICompatibleProvider(endpoint: endpoint, http: http, useFullModelID: true)
            }
        }
        if let gateway = configuration.gateway, gateway.isConfigured {
            return OpenAICompatibleProvider(endpoint: gateway, http: http, useFullModelID: true)
        }
        throw LayersError.providerNotConfigured(provider: model.provider.rawValue, model: model.id)
    }

    /// True when `provider(for:)` would succeed.
    public func isAvailable(_ model: ModelInfo) -> Bool { (try? provider(for: model)) != nil }
}
