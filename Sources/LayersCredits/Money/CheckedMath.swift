/// Integer helpers for money maths: saturating products and sums, and one exact
/// "multiply then divide, rounding half-up" that never overflows in the middle.
enum CheckedMath {
    /// `a * b`, clamped to `Int64.min ... Int64.max` instead of trapping.
    static func saturatingMultiply(_ a: Int64, _ b: Int64) -> Int64 {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        if !overflow { return product }
        return (a < 0) == (b < 0) ? .max : .min
    }

    /// `a + b`, clamped instead of trapping.
    static func saturatingAdd(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        if !overflow { return sum }
        return b > 0 ? .max : .min
    }

    /// `value * multiplier / divisor`, rounded half away from zero (half-up for the
    /// non-negative amounts money uses), computed with a 128-bit intermediate product.
    /// The result saturates if it does not fit in `Int64`.
    static func multiplyDivideRounded(_ value: Int64, _ multiplier: Int64, _ divisor: Int64) -> Int64 {
        precondition(divisor > 0, "divisor must be positive")
        precondition(multiplier >= 0, "multiplier must be non-negative")
        let negative = value < 0
        let magnitude = value.magnitude
        let product = magnitude.multipliedFullWidth(by: UInt64(multiplier))
        let d = UInt64(divisor)
        // If the high word is >= divisor the quotient does not fit in 64 bits.
        if product.high >= d { return negative ? .min : .max }
        let (quotient, remainder) = d.dividingFullWidth(product)
        var rounded = quotient
        // Half-up: remainder >= divisor/2, written without overflow.
        if remainder >= d - remainder { rounded += 1 }
        if negative {
            return rounded > UInt64(Int64.max) + 1 ? .min : Int64(truncatingIfNeeded: 0 &- rounded)
        }
        return rounded > UInt64(Int64.max) ? .max : Int64(rounded)
    }
}
