import Foundation

extension UUID {
    /// Parses the 8-4-4-4-12 hex text PostgreSQL writes for `uuid` (either case), without Foundation's
    /// `UUID(uuidString:)`, which goes through `sscanf` (~8,000 instructions a value; a lease flush reads one per
    /// user). Nil for anything else.
    init?(postgresText text: UnsafeBufferPointer<UInt8>) {
        guard text.count == 36 else { return nil }
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let parsed = withUnsafeMutableBytes(of: &bytes) { out -> Bool in
            var t = 0
            for i in 0..<16 {
                if i == 4 || i == 6 || i == 8 || i == 10 {
                    guard text[t] == UInt8(ascii: "-") else { return false }
                    t += 1
                }
                guard let high = Self.hexValue(text[t]), let low = Self.hexValue(text[t + 1]) else { return false }
                out[i] = high << 4 | low
                t += 2
            }
            return true
        }
        guard parsed else { return nil }
        self.init(uuid: bytes)
    }

    @inline(__always)
    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
