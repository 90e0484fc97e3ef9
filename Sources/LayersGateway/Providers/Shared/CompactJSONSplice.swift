/// Replaces one top-level member's value in JSON text without parsing it into values and writing it again.
///
/// Only text already in the exact form `JSONWriter` writes is accepted: no whitespace between tokens, and no
/// escape the writer would not produce (`\/`, `\u00e9`, upper-case hex, ...). For such text the splice gives the
/// very bytes that parsing, setting the member and serialising would; for anything else it answers nil and the
/// caller serialises. The text must already be known to be valid JSON (it was parsed) and valid UTF-8.
enum CompactJSONSplice {
    /// `text` (a JSON object) with the value of its top-level member `key` replaced by `value` (JSON text), or nil
    /// when `text` is not in compact writer form or has no such member. `key` must need no escaping.
    static func replacingMember(_ key: StaticString, with value: [UInt8],
                                in text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard let range = valueRange(ofMember: key, in: text) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(text.count - range.count + value.count)
        out.append(contentsOf: UnsafeBufferPointer(rebasing: text[..<range.lowerBound]))
        out.append(contentsOf: value)
        out.append(contentsOf: UnsafeBufferPointer(rebasing: text[range.upperBound...]))
        return out
    }

    /// The byte range of the value of top-level member `key`, or nil (see ``replacingMember(_:with:in:)``).
    static func valueRange(ofMember key: StaticString, in text: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        let count = text.count
        guard count >= 2, text[0] == UInt8(ascii: "{") else { return nil }
        let keyBytes = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        var depth = 0
        var expectingKey = false
        var lastKeyMatched = false
        var valueStart = -1
        var found: Range<Int>?
        var i = 0
        while i < count {
            let byte = text[i]
            switch byte {
            case UInt8(ascii: "\""):
                let start = i
                guard let end = endOfString(text, from: i) else { return nil }
                if depth == 1 && expectingKey {
                    lastKeyMatched = end - start - 1 == keyBytes.count
                        && keyBytes.indices.allSatisfy { text[start + 1 + $0] == keyBytes[$0] }
                    expectingKey = false
                }
                i = end + 1
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                if depth == 1 { expectingKey = true }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 1, valueStart >= 0 {
                    found = valueStart..<i
                    valueStart = -1
                }
                depth -= 1
            case UInt8(ascii: ","):
                if depth == 1 {
                    if valueStart >= 0 {
                        found = valueStart..<i
                        valueStart = -1
                    }
                    expectingKey = true
                }
            case UInt8(ascii: ":"):
                if depth == 1 && lastKeyMatched {
                    valueStart = i + 1
                    lastKeyMatched = false
                }
            case 0x20, 0x09, 0x0A, 0x0D:
                return nil  // whitespace between tokens: not the writer's form
            default:
                break
            }
            i += 1
        }
        guard depth == 0, let found, !found.isEmpty else { return nil }
        return found
    }

    /// The index of the quote closing the string that opens at `start`, or nil if the string holds an escape
    /// `JSONWriter` would not write.
    private static func endOfString(_ text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var i = start + 1
        let count = text.count
        while i < count {
            let byte = text[i]
            if byte == UInt8(ascii: "\"") { return i }
            if byte == UInt8(ascii: "\\") {
                guard i + 1 < count else { return nil }
                switch text[i + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"),
                     UInt8(ascii: "b"), UInt8(ascii: "f"):
                    i += 2
                    continue
                case UInt8(ascii: "u"):
                    // The writer uses \u only for the control characters without a short form, as \u00xx.
                    guard i + 5 < count, text[i + 2] == UInt8(ascii: "0"), text[i + 3] == UInt8(ascii: "0"),
                          let high = lowerHex(text[i + 4]), let low = lowerHex(text[i + 5]), high <= 1 else { return nil }
                    let scalar = high << 4 | low
                    if scalar == 0x08 || scalar == 0x09 || scalar == 0x0A || scalar == 0x0C || scalar == 0x0D {
                        return nil
                    }
                    i += 6
                    continue
                default:
                    return nil
                }
            }
            i += 1
        }
        return nil
    }

    private static func lowerHex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
