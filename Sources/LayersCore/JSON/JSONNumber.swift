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
        // The number grammar checked directly over the bytes (exactly what parsing `text` as a JSON document
        // accepts as a number, surrounding JSON whitespace included): amounts in every answer are rendered this
        // way, and a whole parser per literal cost more than the rest of building the object.
        var text = text
        guard let literal = text.withUTF8({ Self.numberLiteral(in: $0) }) else { return nil }
        self.init(validatedText: literal)
    }

    /// The number literal `bytes` hold between optional JSON whitespace, or nil.
    private static func numberLiteral(in bytes: UnsafeBufferPointer<UInt8>) -> String? {
        func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
        func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }
        var start = 0, end = bytes.count
        while start < end, isWhitespace(bytes[start]) { start += 1 }
        while end > start, isWhitespace(bytes[end - 1]) { end -= 1 }
        var i = start
        if i < end, bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < end else { return nil }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
        } else if isDigit(bytes[i]) {
            while i < end, isDigit(bytes[i]) { i += 1 }
        } else {
            return nil
        }
        if i < end, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard i < end, isDigit(bytes[i]) else { return nil }
            while i < end, isDigit(bytes[i]) { i += 1 }
        }
        if i < end, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < end, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < end, isDigit(bytes[i]) else { return nil }
            while i < end, isDigit(bytes[i]) { i += 1 }
        }
        guard i == end else { return nil }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
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
