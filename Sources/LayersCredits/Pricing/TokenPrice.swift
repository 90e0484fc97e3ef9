/// A price per token, held as integer micro-dollars per one million tokens.
///
/// $3.00 per 1M tokens is `TokenPrice(microUSDPerMillion: 3_000_000)`. Because one micro-dollar
/// per million tokens is one picodollar per token, `tokens × microUSDPerMillion` is an exact
/// cost in picodollars.
///
/// `Codable` encodes the raw integer micro-USD per million tokens.
public struct TokenPrice: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Micro-US-dollars per one million tokens (= picodollars per token).
    public var microUSDPerMillion: Int64

    public init(microUSDPerMillion: Int64) { self.microUSDPerMillion = microUSDPerMillion }

    /// Creates a price from a decimal dollars-per-million literal written in source code
    /// ("3", "0.075", "22.50"). Traps on malformed text or more than 6 fractional digits:
    /// use `init?(parsingUSDPerMillion:)` for untrusted input.
    public init(usdPerMillion literal: String) {
        guard let price = TokenPrice(parsingUSDPerMillion: literal) else {
            preconditionFailure("invalid USD-per-million literal: \(literal)")
        }
        self = price
    }

    /// Parses a decimal dollars-per-million amount exactly; nil if malformed, negative,
    /// finer than one micro-dollar, or too large.
    public init?(parsingUSDPerMillion text: String) {
        guard let raw = FixedPointDecimal.parse(text, scale: 6), raw >= 0 else { return nil }
        self.microUSDPerMillion = raw
    }

    public static let zero = TokenPrice(microUSDPerMillion: 0)

    /// The price in dollars per million tokens as a minimal decimal string ("3", "0.075").
    public var usdPerMillionString: String { FixedPointDecimal.format(microUSDPerMillion, scale: 6) }

    public var description: String { "$" + usdPerMillionString + "/1M" }

    /// The cost of `tokens` tokens at this price, exact (saturating at `Int64.max` pUSD).
    public func cost(tokens: Int) -> Picodollars {
        Picodollars(rawValue: CheckedMath.saturatingMultiply(Int64(tokens), microUSDPerMillion))
    }

    public static func < (lhs: TokenPrice, rhs: TokenPrice) -> Bool {
        lhs.microUSDPerMillion < rhs.microUSDPerMillion
    }

    public init(from decoder: any Decoder) throws {
        microUSDPerMillion = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(microUSDPerMillion)
    }
}
