/// A model provider, named as in model ids (`anthropic` in `anthropic/claude-sonnet-4.5`).
///
/// String-backed so deployers can add providers in an override file without recompiling.
public struct ProviderID: RawRepresentable, Sendable, Hashable, Comparable, Codable,
                          ExpressibleByStringLiteral, CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue.lowercased() }
    public init(_ rawValue: String) { self.init(rawValue: rawValue) }
    public init(stringLiteral value: String) { self.init(rawValue: value) }

    public static let anthropic = ProviderID("anthropic")
    public static let openai = ProviderID("openai")
    public static let google = ProviderID("google")
    public static let perplexity = ProviderID("perplexity")
    public static let morph = ProviderID("morph")
    /// Black Forest Labs (FLUX image models).
    public static let bfl = ProviderID("bfl")
    public static let recraft = ProviderID("recraft")

    public var description: String { rawValue }

    public static func < (lhs: ProviderID, rhs: ProviderID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
