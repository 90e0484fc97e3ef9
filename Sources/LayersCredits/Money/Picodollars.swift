/// A provider cost in US dollars, held as an integer count of picodollars (1e-12 USD).
///
/// The unit is chosen so that `tokens × (micro-USD per 1M tokens)` is an exact number of
/// picodollars: a token priced at $0.01 per million tokens costs exactly 10,000 pUSD.
/// `Int64` holds up to about $9.2 million, far beyond any single request.
///
/// `Codable` encodes the raw integer count of picodollars.
public struct Picodollars: Sendable, Hashable, Comparable, Codable, AdditiveArithmetic, CustomStringConvertible {
    /// Picodollars per US dollar.
    public static let perUSD: Int64 = 1_000_000_000_000
    /// Number of fractional decimal digits a dollar amount can carry.
    public static let decimalPlaces = 12

    /// The amount in picodollars.
    public var rawValue: Int64

    /// Creates an amount from a count of picodollars.
    public init(rawValue: Int64) { self.rawValue = rawValue }

    /// Parses an exact decimal dollar amount such as "0.021" or "0.039".
    /// Returns nil for malformed text, more than 12 significant fractional digits, or overflow.
    public init?(usdString: String) {
        guard let raw = FixedPointDecimal.parse(usdString, scale: Self.decimalPlaces) else { return nil }
        self.rawValue = raw
    }

    /// Creates an amount from a decimal dollar literal written in source code ("0.04").
    /// Traps on malformed text: use `init?(usdString:)` for untrusted input.
    public init(usd literal: String) {
        guard let value = Picodollars(usdString: literal) else {
            preconditionFailure("invalid USD literal: \(literal)")
        }
        self = value
    }

    /// The amount in dollars as a minimal decimal string ("0.021", "0.000000000001", "0").
    /// It is also a valid JSON number literal.
    public var decimalUSDString: String { FixedPointDecimal.format(rawValue, scale: Self.decimalPlaces) }

    public var description: String { "$" + decimalUSDString }

    public static var zero: Picodollars { Picodollars(rawValue: 0) }

    public static func + (lhs: Picodollars, rhs: Picodollars) -> Picodollars {
        Picodollars(rawValue: lhs.rawValue + rhs.rawValue)
    }

    public static func - (lhs: Picodollars, rhs: Picodollars) -> Picodollars {
        Picodollars(rawValue: lhs.rawValue - rhs.rawValue)
    }

    public static func < (lhs: Picodollars, rhs: Picodollars) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `self * count`, saturating on overflow.
    public func multiplied(by count: Int64) -> Picodollars {
        Picodollars(rawValue: CheckedMath.saturatingMultiply(rawValue, count))
    }

    /// `self + other`, saturating on overflow.
    public func saturatingAdding(_ other: Picodollars) -> Picodollars {
        Picodollars(rawValue: CheckedMath.saturatingAdd(rawValue, other.rawValue))
    }

    /// The same cost expressed in credits before margin (1 credit = $0.01), rounded half-up
    /// to the micro-credit (1 µcr = 10,000 pUSD).
    public var creditsBeforeMargin: MicroCredits {
        MicroCredits(rawValue: CheckedMath.multiplyDivideRounded(rawValue, 1, Self.picodollarsPerMicroCredit))
    }

    /// 1 µcr = 1e-6 × $0.01 = 1e-8 USD = 10,000 pUSD.
    public static let picodollarsPerMicroCredit: Int64 = 10_000

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
