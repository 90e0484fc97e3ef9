/// Exact conversion between scaled integers and decimal text, so money is never a binary float on the wire.
public enum DecimalText {
    /// `value / 10^scale` as the shortest exact decimal literal: `format(3_360_000, scale: 6)` is `"3.36"`.
    public static func format(_ value: Int64, scale: Int) -> String {
        if scale == 0 { return String(value) }
        let negative = value < 0
        let magnitude = value.magnitude
        var divisor: UInt64 = 1
        for _ in 0..<scale { divisor *= 10 }
        let whole = magnitude / divisor
        var frac = magnitude % divisor
        var digits = scale
        while digits > 0 && frac % 10 == 0 { frac /= 10; digits -= 1 }
        var out = negative ? "-" : ""
        out += String(whole)
        if digits > 0 {
            let f = String(frac)
            out += "." + String(repeating: "0", count: digits - f.count) + f
        }
        return out
    }

    /// Parses a non-negative decimal literal with at most `scale` fractional digits into `value * 10^scale`.
    /// Returns nil for anything else (signs, exponents, too many decimals, overflow).
    public static func parse(_ text: String, scale: Int) -> Int64? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let wholePart = parts.first, !wholePart.isEmpty, wholePart.allSatisfy(\.isASCII),
              wholePart.allSatisfy(\.isNumber) else { return nil }
        let fracPart = parts.count == 2 ? parts[1] : ""
        guard fracPart.count <= scale, fracPart.allSatisfy({ $0.isASCII && $0.isNumber }),
              parts.count == 1 || !fracPart.isEmpty else { return nil }
        let padded = String(fracPart) + String(repeating: "0", count: scale - fracPart.count)
        guard let whole = Int64(wholePart) else { return nil }
        var scaleFactor: Int64 = 1
        for _ in 0..<scale { scaleFactor *= 10 }
        let (w, o1) = whole.multipliedReportingOverflow(by: scaleFactor)
        let f = padded.isEmpty ? 0 : (Int64(padded) ?? 0)
        let (sum, o2) = w.addingReportingOverflow(f)
        return (o1 || o2) ? nil : sum
    }
}
