import Foundation

/// Keys, base URLs and timeouts of every upstream provider.
///
/// ```swift
/// let config = try ProviderConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
/// config.endpoint(for: "anthropic")?.isConfigured
/// ```
///
/// Environment (base URLs default to the real endpoints):
/// - `OPENAI_API_KEY`, `OPENAI_BASE_URL` (includes `/v1`; default `https://api.openai.com/v1`)
/// - `ANTHROPIC_API_KEY`, `ANTHROPIC_BASE_URL` (no `/v1`; default `https://api.anthropic.com`)
/// - `GEMINI_API_KEY` (or `GOOGLE_API_KEY`), `GEMINI_BASE_URL` (host; default
///   `https://generativelanguage.googleapis.com`)
/// - `PERPLEXITY_API_KEY`, `PERPLEXITY_BASE_URL` (default `https://api.perplexity.ai`)
/// - `MORPH_API_KEY`, `MORPH_BASE_URL` (default `https://api.morphllm.com/v1`)
/// - `AI_GATEWAY_API_KEY`, `AI_GATEWAY_BASE_URL` (Vercel; default `https://ai-gateway.vercel.sh/v1`): serves any
///   model whose own provider has no key.
/// - `LAYERS_PROVIDERS_FILE`: JSON file of named OpenAI-compatible providers (see `CustomProvidersFile`).
/// - `LAYERS_UPSTREAM_CONNECT_TIMEOUT_MS`, `..._FIRST_BYTE_TIMEOUT_MS`, `..._TOTAL_TIMEOUT_MS`,
///   `..._IDLE_TIMEOUT_MS`: upstream timeouts.
public struct ProviderConfiguration: Sendable {
    /// Endpoints by provider id (`openai`, `anthropic`, `google`, `perplexity`, `morph`, custom names).
    public var endpoints: [String: ProviderEndpoint]
    /// The Vercel AI Gateway, when configured (used for models whose provider has no key).
    public var gateway: ProviderEndpoint?
    public var timeouts: UpstreamTimeouts

    public init(endpoints: [String: ProviderEndpoint] = [:], gateway: ProviderEndpoint? = nil,
                timeouts: UpstreamTimeouts = .default) {
        self.endpoints = endpoints
        self.gateway = gateway
        self.timeouts = timeouts
    }

    /// The endpoint for a provider id, configured or not.
    public func endpoint(for provider: String) -> ProviderEndpoint? { endpoints[provider.lowercased()] }

    /// Reads the configuration from environment variables (and the custom providers file they name).
    /// Throws `ProviderConfigurationError` for a malformed value or file.
    public static func fromEnvironment(_ env: [String: String]) throws -> ProviderConfiguration {
        func value(_ name: String) -> String? {
            guard let v = env[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
            return v
        }
        let timeouts = try readTimeouts(env)
        func endpoint(_ name: String, _ api: ProviderAPI, keyVars: [String], urlVar: String,
                      defaultURL: String) throws -> ProviderEndpoint {
            let base = value(urlVar) ?? defaultURL
            guard base.hasPrefix("http://") || base.hasPrefix("https://") else {
                throw ProviderConfigurationError.invalidValue(variable: urlVar, reason: "must be an http(s) URL")
            }
            return ProviderEndpoint(name: name, api: api, baseURL: base,
                                    apiKey: keyVars.lazy.compactMap(value).first, timeouts: timeouts)
        }
        var endpoints: [String: ProviderEndpoint] = [:]
        endpoints["openai"] = try endpoint("openai", .openAI, keyVars: ["OPENAI_API_KEY"], urlVar: "OPENAI_BASE_URL",
                                           defaultURL: "https://api.openai.com/v1")
        endpoints["anthropic"] = try endpoint("anthropic", .anthropic, keyVars: ["ANTHROPIC_API_KEY"],
                                              urlVar: "ANTHROPIC_BASE_URL", defaultURL: "https://api.anthropic.com")
        endpoints["google"] = try endpoint("google", .gemini,
                                           keyVars: ["GEMINI_API_KEY", "GOOGLE_API_KEY",
                                                     "GOOGLE_GENERATIVE_AI_API_KEY"],
                                           urlVar: "GEMINI_BASE_URL",
                                           defaultURL: "https://generativelanguage.googleapis.com")
        endpoints["perplexity"] = try endpoint("perplexity", .perplexity, keyVars: ["PERPLEXITY_API_KEY"],
                                               urlVar: "PERPLEXITY_BASE_URL", defaultURL: "https://api.perplexity.ai")
        endpoints["morph"] = try endpoint("morph", .openAICompatible, keyVars: ["MORPH_API_KEY"],
                                          urlVar: "MORPH_BASE_URL", defaultURL: "https://api.morphllm.com/v1")
        let gateway = try endpoint("vercel-ai-gateway", .vercelGateway, keyVars: ["AI_GATEWAY_API_KEY"],
                                   urlVar: "AI_GATEWAY_BASE_URL", defaultURL: "https://ai-gateway.vercel.sh/v1")
        if let path = value("LAYERS_PROVIDERS_FILE") {
            for custom in try CustomProvidersFile.load(path: path, environment: env, timeouts: timeouts) {
                endpoints[custom.name] = custom
            }
        }
        return ProviderConfiguration(endpoints: endpoints, gateway: gateway.isConfigured ? gateway : nil,
                                     timeouts: timeouts)
    }

    static func readTimeouts(_ env: [String: String]) throws -> UpstreamTimeouts {
        var timeouts = UpstreamTimeouts.default
        func read(_ suffix: String, _ apply: (Duration) -> Void) throws {
            let name = "LAYERS_UPSTREAM_\(suffix)_TIMEOUT_MS"
            guard let raw = env[name], !raw.isEmpty else { return }
            guard let ms = Int(raw), ms > 0 else {
                throw ProviderConfigurationError.invalidValue(variable: name, reason: "must be a positive integer")
            }
            apply(.milliseconds(ms))
        }
        try read("CONNECT") { timeouts.connect = $0 }
        try read("FIRST_BYTE") { timeouts.firstByte = $0 }
        try read("TOTAL") { timeouts.total = $0 }
        try read("IDLE") { timeouts.idle = $0 }
        return timeouts
    }
}

/// A configuration value or file that cannot be used. Never quotes key values.
public enum ProviderConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidValue(variable: String, reason: String)
    case unreadableFile(path: String, reason: String)
    case invalidEntry(path: String, index: Int, field: String, reason: String)

    public var description: String {
        switch self {
        case .invalidValue(let v, let r): return "\(v) \(r)"
        case .unreadableFile(let p, let r): return "providers file \(p): \(r)"
        case .invalidEntry(let p, let i, let f, let r): return "providers file \(p): providers[\(i)].\(f) \(r)"
        }
    }
}
