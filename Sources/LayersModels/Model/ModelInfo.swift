import LayersCredits

/// One model the gateway can serve: identity, capabilities, limits and prices.
public struct ModelInfo: Sendable, Hashable, Identifiable {
    /// `provider/model`, e.g. `anthropic/claude-sonnet-4.5` (the Vercel AI Gateway naming).
    public var id: String
    public var provider: ProviderID
    /// Human-readable name ("Claude 4.5 Sonnet").
    public var displayName: String
    public var kind: ModelKind
    public var capabilities: Set<Capability>
    /// Total context window in tokens (input + output where the provider counts them together).
    public var contextWindow: Int
    /// Largest prompt the model accepts when it is smaller than the context window
    /// (GPT-5: 272K of 400K); nil when only `contextWindow` applies.
    public var maxInputTokens: Int?
    /// Largest completion the model can produce (also the default for estimates).
    public var maxOutputTokens: Int?
    public var pricing: ModelPricing
    /// Release month, "YYYY-MM".
    public var released: String
    /// True when the provider has deprecated the model (still served until removed).
    public var deprecated: Bool
    /// Shutdown or deprecation date, "YYYY-MM-DD", when announced.
    public var deprecationDate: String?
    /// Other ids that resolve to this model (matched case-insensitively).
    public var aliases: [String]
    /// The model name the provider's own API expects ("claude-sonnet-4-5", "gpt-4o").
    public var upstreamName: String
    /// True for models that only answer with reasoning (the original's `reasoningOnly`).
    public var reasoningOnly: Bool
    /// True for the 23 chat models of the original Layers registry.
    public var original: Bool
    /// Free-form note for operators (known quirks, price sources).
    public var notes: String?

    public init(id: String, provider: ProviderID? = nil, displayName: String, kind: ModelKind = .chat,
                capabilities: Set<Capability>, contextWindow: Int, maxInputTokens: Int? = nil,
                maxOutputTokens: Int?, pricing: ModelPricing, released: String, deprecated: Bool = false,
                deprecationDate: String? = nil, aliases: [String] = [], upstreamName: String? = nil,
                reasoningOnly: Bool = false, original: Bool = false, notes: String? = nil) {
        self.id = id
        self.provider = provider ?? ProviderID(ModelInfo.providerPart(of: id) ?? "")
        self.displayName = displayName
        self.kind = kind
        self.capabilities = capabilities
        self.contextWindow = contextWindow
        self.maxInputTokens = maxInputTokens
        self.maxOutputTokens = maxOutputTokens
        self.pricing = pricing
        self.released = released
        self.deprecated = deprecated
        self.deprecationDate = deprecationDate
        self.aliases = aliases
        self.upstreamName = upstreamName ?? ModelInfo.modelPart(of: id)
        self.reasoningOnly = reasoningOnly
        self.original = original
        self.notes = notes
    }

    /// True when the model has every capability in `required`.
    public func has(_ required: Set<Capability>) -> Bool { required.isSubset(of: capabilities) }

    /// True when the model has `capability`.
    public func has(_ capability: Capability) -> Bool { capabilities.contains(capability) }

    /// True for models the image endpoint can serve: image models and chat models with
    /// `image-gen` (Gemini image models).
    public var generatesImages: Bool { kind == .image || capabilities.contains(.imageGen) }

    /// The part of the id after `provider/` ("claude-sonnet-4.5").
    public var modelName: String { ModelInfo.modelPart(of: id) }

    /// The largest prompt accepted: `maxInputTokens` or `contextWindow`.
    public var effectiveMaxInputTokens: Int { maxInputTokens ?? contextWindow }

    static func providerPart(of id: String) -> String? {
        guard let slash = id.firstIndex(of: "/") else { return nil }
        return String(id[..<slash])
    }

    static func modelPart(of id: String) -> String {
        guard let slash = id.firstIndex(of: "/") else { return id }
        return String(id[id.index(after: slash)...])
    }
}
