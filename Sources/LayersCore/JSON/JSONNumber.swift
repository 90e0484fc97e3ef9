/// A JSON number kept as its exact literal text, so that prices, token counts and ids pass through unchanged.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The literal as it appears in JSON (for example `42`, `-0.5`, `1e-7`).
    public let text: String

    /// Wraps a literal that is already valid JSON number syntax (the parser's path; not re-validated).
    init(validatedText: String) { self.text = validatedText }

    public init(_ value: Int) { self.text = String(value) }
    public init(_ value: Int64) { self.text = String(value) }

    /// A double; non-finite values have no JSON form and are written as `0`.
    public init(_ value: Double) {
        if value.isFinite {
            if value == value.rounded(.towardZero), abs(value) < 1e15 {
                self.text = String(Int64(value))
            } else {
                self.text = "\(value)"
            }
        } else {
            self.text = "0"
        }
    }

    /// A decimal literal such as `"0.021"`, checked to be valid JSON number syntax.
    public init?(decimalLiteral text: String) {
        guard case .number(let n)? = try? JSONValue.parse(text) else { return nil }
        self = n
    }

    /// The value when the literal is an integer that fits in 64 bits.
    public var int64Value: Int64? {
        if let exact = Int64(text) { return exact }
        // Integral literals written with a fraction or exponent (e.g. `2.0`, `1e3`) still count.
        guard let d = Double(text), d == d.rounded(.towardZero), abs(d) < 9.0e15 else { return nil }
        return Int64(d)
    }

    public var doubleValue: Double { Double(text) ?? 0 }

    public var description: String { text }

    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        lhs.text == rhs.text || (Double(lhs.text) != nil && Double(lhs.text) == Double(rhs.text))
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(Double(text) ?? 0)
    }
}
