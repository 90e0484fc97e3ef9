/// Comparisons whose running time does not depend on where two secrets differ.
public enum ConstantTime {
    /// True when `a` and `b` hold the same bytes. The time taken depends only on the
    /// lengths (a length mismatch returns early: lengths of keys and tokens are public).
    ///
    /// ```swift
    /// ConstantTime.equals(Array(presented.utf8), Array(adminToken.utf8))
    /// ```
    public static func equals<A: Collection<UInt8>, B: Collection<UInt8>>(_ a: A, _ b: B) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }

    /// Compares the UTF-8 bytes of two strings in constant time (see `equals(_:_:)`).
    public static func equals(_ a: String, _ b: String) -> Bool {
        equals(a.utf8, b.utf8)
    }
}
