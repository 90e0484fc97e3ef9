/// Exact conversions between integer fixed-point amounts and decimal text.
///
/// Every money type in this module is an `Int64` count of a small unit (micro-credits,
/// picodollars, micro-dollars per million tokens). This helper renders such a count as a
/// decimal string with a given number of fractional digits, and parses decimal text back,
/// without ever going through floating point.
enum FixedPointDecimal {
    /// Powers of ten up to 10^18 (the largest that fits in `Int64`).
    static let powersOfTen: [Int64] = {
        var result: [Int64] = [1]
        for _ in 1...18 { result.append(result[result.count - 1] * 10) }
        return result
    }()

    /// Renders `raw / 10^scale` as a minimal decimal string: no trailing fractional zeros,
    /// no decimal point for whole numbers, a leading `-` for negatives ("3.36", "0.000125", "-2", "0").
    static func format(_ raw: Int64, scale: Int) -> String {
        precondition(scale >= 0 && scale <= 18, "scale out of range")
        let negative = raw < 0
        // Work with the magnitude as UInt64 so Int64.min does not overflow.
        let magnitude = raw.magnitude
        let divisor = UInt64(powersOfTen[scale])
        var whole = magnitude / divisor
        var fraction = magnitude % divisor
        var fractionDigits = fraction == 0 ? 0 : scale
        while fraction != 0 && fraction % 10 == 0 {
            fraction /= 10
            fractionDigits -= 1
        }
        var wholeDigits = 1
        var rest = whole
        while rest >= 10 {
            rest /= 10
            wholeDigits += 1
        }
        let length = (negative ? 1 : 0) + wholeDigits + (fractionDigits > 0 ? fractionDigits + 1 : 0)
        // Written from the end straight into the string's storage (several amounts per request are rendered).
        return String(unsafeUninitializedCapacity: length) { out in
            var i = length
            if fractionDigits > 0 {
                for _ in 0..<fractionDigits {
                    i -= 1
                    out[i] = UInt8(ascii: "0") + UInt8(fraction % 10)
                    fraction /= 10
                }
                i -= 1
                out[i] = UInt8(ascii: ".")
            }
            repeat {
                i -= 1
                out[i] = UInt8(ascii: "0") + UInt8(whole % 10)
                whole /= 10
            } while whole > 0
            if negative { out[0] = UInt8(ascii: "-") }
            return length
        }
    }

    /// Parses decimal text (`-?[0-9]+(\.[0-9]+)?`) into `value * 10^scale`, exactly.
    ///
    /// Returns nil for malformed text, for more fractional digits than `scale` unless the extra
    /// digits are all zero, and for values that do not fit in `Int64`.
    static func parse(_ text: String, scale: Int) -> Int64? {
        precondition(scale >= 0 && scale <= 18, "scale out of range")
        var bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        var negative = false
        if bytes[0] == UInt8(ascii: "-") {
            negative = true
            bytes.removeFirst()
        } else if bytes[0] == UInt8(ascii: "+") {
            bytes.removeFirst()
        }
        var wholeDigits: ArraySlice<UInt8> = bytes[...]
        var fractionDigits: ArraySlice<UInt8> = []
        if let dot = bytes.firstIndex(of: UInt8(ascii: ".")) {
            wholeDigits = bytes[..<dot]
            fractionDigits = bytes[(dot + 1)...]
            guard !fractionDigits.isEmpty else { return nil }
        }
        guard !wholeDigits.isEmpty else { return nil }
        let isDigit: (UInt8) -> Bool = { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        guard wholeDigits.allSatisfy(isDigit), fractionDigits.allSatisfy(isDigit) else { return nil }
        // Extra fractional digits beyond `scale` must be zeros, otherwise the value is not exact.
        if fractionDigits.count > scale {
            let extra = fractionDigits.dropFirst(scale)
            guard extra.allSatisfy({ $0 == UInt8(ascii: "0") }) else { return nil }
            fractionDigits = fractionDigits.prefix(scale)
        }
        // Accumulate as a negative number so that Int64.min parses too.
        var value: Int64 = 0
        for digit in wholeDigits {
            guard let next = appendDigit(value, digit) else { return nil }
            value = next
        }
        for digit in fractionDigits {
            guard let next = appendDigit(value, digit) else { return nil }
            value = next
        }
        for _ in 0..<(scale - fractionDigits.count) {
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            value = shifted
        }
        if negative { return value }
        let (positive, overflow) = (0 as Int64).subtractingReportingOverflow(value)
        return overflow ? nil : positive
    }

    /// value * 10 - digit, with overflow detection (value is kept non-positive).
    private static func appendDigit(_ value: Int64, _ digit: UInt8) -> Int64? {
        let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
        let (next, overflow2) = shifted.subtractingReportingOverflow(Int64(digit - UInt8(ascii: "0")))
        return (overflow1 || overflow2) ? nil : next
    }
}
