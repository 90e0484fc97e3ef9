/// A markup applied to provider cost, in basis points (1 bp = 0.01%).
///
/// The margin is a markup, not a gross margin: 60% (6,000 bp) means credits = cost × 1.6.
///
/// ```swift
/// Margin(percent: 60).bps      // 6000
/// Margin.default.percentString // "60"
/// ```
public struct Margin: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Basis points: 6000 = 60%.
    public var bps: Int64

    /// The margin range the original accepted (0...200%), used by `init?(validatingBps:)`.
    public static let allowedBps: ClosedRange<Int64> = 0...20_000

    /// The default Layers margin: 60% markup.
    public static let `default` = Margin(bps: 6_000)
    /// No markup (credits = cost / $0.01).
    public static let zero = Margin(bps: 0)

    public init(bps: Int64) {
        precondition(bps >= 0, "margin must not be negative")
        self.bps = bps
    }

    /// A whole-percent margin: `Margin(percent: 60)`.
    public init(percent: Int) { self.init(bps: Int64(percent) * 100) }

    /// A margin checked against `allowedBps`; nil outside 0...200%.
    public init?(validatingBps bps: Int64) {
        guard Self.allowedBps.contains(bps) else { return nil }
        self.bps = bps
    }

    /// Parses a decimal percentage ("60", "62.5", "12.34"); nil if malformed, finer than one
    /// basis point, or outside `allowedBps`.
    public init?(percentString: String) {
        guard let bps = FixedPointDecimal.parse(percentString, scale: 2) else { return nil }
        self.init(validatingBps: bps)
    }

    /// The margin as a decimal percentage string ("60", "62.5").
    public var percentString: String { FixedPointDecimal.format(bps, scale: 2) }

    /// The multiplier numerator over 10,000: 16,000 for 60%.
    public var multiplierBps: Int64 { 10_000 + bps }

    public var description: String { percentString + "%" }

    public static func < (lhs: Margin, rhs: Margin) -> Bool { lhs.bps < rhs.bps }

    public init(from decoder: any Decoder) throws {
        let bps = try decoder.singleValueContainer().decode(Int64.self)
        guard bps >= 0 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "margin bps must not be negative"))
        }
        self.bps = bps
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(bps)
    }
}

/// Which margin applies to a request.
///
/// Precedence, most specific first: the API key's override, the user's override, the
/// per-model override, then the default (60%).
public struct MarginPolicy: Sendable, Hashable, Codable {
    /// The margin when nothing more specific is set.
    public var defaultMargin: Margin
    /// Per-model margins keyed by model id (`provider/model`), compared case-insensitively.
    public var modelOverrides: [String: Margin]

    public init(defaultMargin: Margin = .default, modelOverrides: [String: Margin] = [:]) {
        self.defaultMargin = defaultMargin
        self.modelOverrides = [:]
        for (id, margin) in modelOverrides { self.modelOverrides[id.lowercased()] = margin }
    }

    /// The default policy: 60% for every model.
    public static let standard = MarginPolicy()

    enum CodingKeys: String, CodingKey { case defaultMargin, modelOverrides }

    /// Decodes through `init`, so model ids are normalised to lower case.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(defaultMargin: try c.decodeIfPresent(Margin.self, forKey: .defaultMargin) ?? .default,
                  modelOverrides: try c.decodeIfPresent([String: Margin].self, forKey: .modelOverrides) ?? [:])
    }

    /// The effective margin for a model, given optional user- and key-level overrides.
    public func margin(for modelID: String, userMargin: Margin? = nil, keyMargin: Margin? = nil) -> Margin {
        if let keyMargin { return keyMargin }
        if let userMargin { return userMargin }
        return modelOverrides[modelID.lowercased()] ?? defaultMargin
    }
}
