/// One provider's base URL and key.
public struct MediaEndpoint: Sendable, Hashable {
    /// Base URL without a trailing slash.
    public var baseURL: String
    /// The key; nil when not configured. Never logged or put in an error.
    public var apiKey: String?

    public init(baseURL: String, apiKey: String?) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.apiKey = (apiKey?.isEmpty ?? true) ? nil : apiKey
    }

    public var isConfigured: Bool { apiKey != nil }
}

/// Where the image and embedding providers live, from the environment with the providers' usual names:
/// `OPENAI_API_KEY`/`OPENAI_BASE_URL` (default `https://api.openai.com/v1`), `GEMINI_API_KEY`/`GEMINI_BASE_URL`
/// (default `https://generativelanguage.googleapis.com`; a trailing `/v1beta` is accepted), `BFL_API_KEY`/
/// `BFL_BASE_URL` (default `https://api.bfl.ai`), `RECRAFT_API_KEY`/`RECRAFT_BASE_URL` (default
/// `https://external.api.recraft.ai/v1`), `AI_GATEWAY_API_KEY`/`AI_GATEWAY_BASE_URL` (default
/// `https://ai-gateway.vercel.sh/v1`), plus BFL polling: `BFL_POLL_INTERVAL_MS` (default 500) and
/// `BFL_DEADLINE_SECONDS` (default 120).
///
/// ```swift
/// let settings = MediaProviderSettings(environment: ProcessInfo.processInfo.environment)
/// ```
public struct MediaProviderSettings: Sendable, Hashable {
    public var openAI: MediaEndpoint
    public var gemini: MediaEndpoint
    public var bfl: MediaEndpoint
    public var recraft: MediaEndpoint
    public var aiGateway: MediaEndpoint
    /// Pause between two BFL result polls.
    public var bflPollInterval: Duration
    /// Give up on a BFL generation (504, nothing charged) when it is not ready by then.
    public var bflDeadline: Duration

    public init(openAI: MediaEndpoint = MediaEndpoint(baseURL: "https://api.openai.com/v1", apiKey: nil),
                gemini: MediaEndpoint = MediaEndpoint(baseURL: "https://generativelanguage.googleapis.com", apiKey: nil),
                bfl: MediaEndpoint = MediaEndpoint(baseURL: "https://api.bfl.ai", apiKey: nil),
                recraft: MediaEndpoint = MediaEndpoint(baseURL: "https://external.api.recraft.ai/v1", apiKey: nil),
                aiGateway: MediaEndpoint = MediaEndpoint(baseURL: "https://ai-gateway.vercel.sh/v1", apiKey: nil),
                bflPollInterval: Duration = .milliseconds(500), bflDeadline: Duration = .seconds(120)) {
        self.openAI = openAI
        self.gemini = gemini
        self.bfl = bfl
        self.recraft = recraft
        self.aiGateway = aiGateway
        self.bflPollInterval = bflPollInterval
        self.bflDeadline = bflDeadline
    }

    public init(environment env: [String: String]) {
        func endpoint(_ prefix: String, _ fallback: String) -> MediaEndpoint {
            MediaEndpoint(baseURL: env["\(prefix)_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? fallback,
                          apiKey: env["\(prefix)_API_KEY"])
        }
        var gemini = endpoint("GEMINI", "https://generativelanguage.googleapis.com")
        if gemini.apiKey == nil, let google = env["GOOGLE_API_KEY"], !google.isEmpty { gemini.apiKey = google }
        if gemini.baseURL.hasSuffix("/v1beta") { gemini.baseURL.removeLast("/v1beta".count) }
        let interval = env["BFL_POLL_INTERVAL_MS"].flatMap(Int.init).map { Duration.milliseconds(max(1, $0)) }
        let deadline = env["BFL_DEADLINE_SECONDS"].flatMap(Double.init).map { Duration.milliseconds(Int(max(0.001, $0) * 1000)) }
        self.init(openAI: endpoint("OPENAI", "https://api.openai.com/v1"),
                  gemini: gemini,
                  bfl: endpoint("BFL", "https://api.bfl.ai"),
                  recraft: endpoint("RECRAFT", "https://external.api.recraft.ai/v1"),
                  aiGateway: endpoint("AI_GATEWAY", "https://ai-gateway.vercel.sh/v1"),
                  bflPollInterval: interval ?? .milliseconds(500),
                  bflDeadline: deadline ?? .seconds(120))
    }
}
