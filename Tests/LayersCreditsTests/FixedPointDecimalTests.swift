import XCTest
@testable import LayersCredits

/// `FixedPointDecimal.format` against a plain string-manipulation reference, for every scale.
final class FixedPointDecimalTests: XCTestCase {
    func testFormatMatchesReferenceAtEveryScale() {
        var generator = SystemRandomNumberGenerator()
        var values: [Int64] = [0, 1, -1, 9, 10, 11, 100, -100, 123_456_789, .max, .min, .max - 1, .min + 1]
        for _ in 0..<300 { values.append(Int64.random(in: .min ... .max, using: &generator)) }
        for _ in 0..<300 { values.append(Int64.random(in: -1_000_000...1_000_000, using: &generator)) }
        for scale in 0...18 {
            for value in values {
                XCTAssertEqual(FixedPointDecimal.format(value, scale: scale), Self.reference(value, scale: scale),
                               "\(value) at scale \(scale)")
            }
            XCTAssertEqual(FixedPointDecimal.format(5 * (scale > 0 ? FixedPointDecimal.powersOfTen[scale - 1] : 1),
                                                    scale: scale), scale > 0 ? "0.5" : "5")
        }
    }

    /// The magnitude's digits, zero-padded to more than `scale`, a point inserted, fractional zeros dropped.
    private static func reference(_ value: Int64, scale: Int) -> String {
        var digits = String(value.magnitude)
        if digits.count <= scale { digits = String(repeating: "0", count: scale + 1 - digits.count) + digits }
        var whole = String(digits.dropLast(scale))
        var fraction = String(digits.suffix(scale))
        while fraction.hasSuffix("0") { fraction.removeLast() }
        if !fraction.isEmpty { whole += "." + fraction }
        return (value < 0 ? "-" : "") + whole
    }
}
