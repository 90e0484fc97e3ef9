/// An amount of Layers credits, held as an integer count of micro-credits (µcr).
///
/// 1 credit = 1,000,000 µcr = $0.01 of provider cost before margin. Balances, reservations,
/// charges and estimates all use this type; it never touches floating point.
///
/// ```swift
/// let charge = MicroCredits(rawValue: 3_360_000)
/// charge.decimalString                 // "3.36"
/// MicroCredits(decimalString: "0.000125") // 125 µcr
/// ```
///
/// `Codable` encodes the raw integer count of micro-credits.
public struct MicroCredits: Sendable, Hashable, Comparable, Codable, AdditiveArithmetic, CustomStringConvertible {
    /// Micro-credits per credit.
    public static let perCredit: Int64 = 1_000_000
    /// Number of fractional decimal digits a credit amount can carry.
    public static let decimalPlaces = 6

    /// The amount in micro-credits.
    public var rawValue: Int64

    /// Creates an amount from a count of micro-credits.
    public init(rawValue: Int64) { self.rawValue = rawValue }

    /// Creates an amount of whole credits (`MicroCredits(credits: 50)` is 50 credits).
    public init(credits: Int64) { self.rawValue = credits * Self.perCredit }

    /// Parses an exact decimal credit amount such as "3.36" or "-0.5".
    /// Returns nil for malformed text, more than 6 significant fractional digits, or overflow.
    public init?(decimalString: String) {
        guard let raw = FixedPointDecimal.parse(decimalString, scale: Self.decimalPlaces) else { return nil }
        self.rawValue = raw
    }

    /// The amount in credits as a minimal decimal string ("3.36", "0.000125", "50", "-1.5").
    /// It is also a valid JSON number literal.
    public var decimalString: String { FixedPointDecimal.format(rawValue, scale: Self.decimalPlaces) }

    public var description: String { decimalString }

    public static var zero: MicroCredits { MicroCredits(rawValue: 0) }

    public static func + (lhs: MicroCredits, rhs: MicroCredits) -> MicroCredits {
        MicroCredits(rawValue: lhs.rawValue + rhs.rawValue)
    }

    public static func - (lhs: MicroCredits, rhs: MicroCredits) -> MicroCredits {
        MicroCredits(rawValue: lhs.rawValue - rhs.rawValue)
    }

    public static func < (lhs: MicroCredits, rhs: MicroCredits) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `self * count` (e.g. a per-image price times the number of images), saturating on overflow.
    public func multiplied(by count: Int64) -> MicroCredits {
        MicroCredits(rawValue: CheckedMath.saturatingMultiply(rawValue, count))
    }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
