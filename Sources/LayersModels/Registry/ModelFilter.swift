import LayersCredits

/// A query over the registry. Every criterion left nil/empty matches everything; the rest are ANDed.
///
/// ```swift
/// ModelFilter(allOf: [.vision], maxInputPrice: TokenPrice(usdPerMillion: "3"))
/// ```
public struct ModelFilter: Sendable, Hashable {
    /// Models from any of these providers.
    public var providers: Set<ProviderID>?
    /// Models that have ALL of these capabilities.
    public var allOf: Set<Capability>
    /// Models that have AT LEAST ONE of these capabilities (ignored when empty).
    public var anyOf: Set<Capability>
    public var kind: ModelKind?
    /// Context window at least this many tokens.
    public var minContextWindow: Int?
    /// Input price at most this (base price, not long-context tiers).
    public var maxInputPrice: TokenPrice?
    /// Output price at most this.
    public var maxOutputPrice: TokenPrice?
    /// Only the original 23 (true) or only the newer models (false).
    public var original: Bool?
    /// Include deprecated models (default true).
    public var includeDeprecated: Bool

    public init(providers: Set<ProviderID>? = nil, allOf: Set<Capability> = [], anyOf: Set<Capability> = [],
                kind: ModelKind? = nil, minContextWindow: Int? = nil, maxInputPrice: TokenPrice? = nil,
                maxOutputPrice: TokenPrice? = nil, original: Bool? = nil, includeDeprecated: Bool = true) {
        self.providers = providers
        self.allOf = allOf
        self.anyOf = anyOf
        self.kind = kind
        self.minContextWindow = minContextWindow
        self.maxInputPrice = maxInputPrice
        self.maxOutputPrice = maxOutputPrice
        self.original = original
        self.includeDeprecated = includeDeprecated
    }

    /// A filter on one provider.
    public init(provider: ProviderID) { self.init(providers: [provider]) }

    /// True when `model` satisfies every criterion.
    public func matches(_ model: ModelInfo) -> Bool {
        if let providers, !providers.contains(model.provider) { return false }
        if !model.has(allOf) { return false }
        if !anyOf.isEmpty, model.capabilities.isDisjoint(with: anyOf) { return false }
        if let kind, model.kind != kind { return false }
        if let minContextWindow, model.contextWindow < minContextWindow { return false }
        if let maxInputPrice, model.pricing.input > maxInputPrice { return false }
        if let maxOutputPrice, model.pricing.output > maxOutputPrice { return false }
        if let original, model.original != original { return false }
        if !includeDeprecated, model.deprecated { return false }
        return true
    }
}

/// Sort orders for `ModelRegistry.sorted(by:)`.
public enum ModelSortKey: String, Sendable, Hashable, CaseIterable {
    /// Cheapest first: chat models, then image models, then embedding models (their units differ);
    /// within a kind by input + output price per 1M tokens, image models by the price of one
    /// default image.
    case price
    /// Largest context window first.
    case context
    /// Newest release first.
    case released
    /// Display name, A to Z.
    case name
}
