import Foundation
import LayersCore
import LayersCredits

/// A value that can be sent as a query parameter, in PostgreSQL's text format (nil = SQL NULL).
public protocol PostgresEncodable {
    var postgresText: String? { get }
}

extension String: PostgresEncodable { public var postgresText: String? { self } }
extension Int: PostgresEncodable { public var postgresText: String? { String(self) } }
extension Int64: PostgresEncodable { public var postgresText: String? { String(self) } }
extension Int32: PostgresEncodable { public var postgresText: String? { String(self) } }
extension Double: PostgresEncodable { public var postgresText: String? { String(self) } }
extension Bool: PostgresEncodable { public var postgresText: String? { self ? "t" : "f" } }
extension UUID: PostgresEncodable { public var postgresText: String? { fastUUIDString } }
extension Date: PostgresEncodable { public var postgresText: String? { PostgresTimestamp.format(self) } }
extension MicroCredits: PostgresEncodable { public var postgresText: String? { String(rawValue) } }
extension Picodollars: PostgresEncodable { public var postgresText: String? { String(rawValue) } }
extension UserID: PostgresEncodable { public var postgresText: String? { rawValue.fastUUIDString } }
extension APIKeyID: PostgresEncodable { public var postgresText: String? { rawValue.fastUUIDString } }

extension UUID {
    /// The same text as `uuidString` (upper-case hex, 8-4-4-4-12), written directly: Foundation's `uuidString`
    /// goes through `snprintf`, which was ~2% of the gateway's CPU (several UUIDs per request).
    public var fastUUIDString: String { Self.text(uuid, digits: "0123456789ABCDEF") }

    /// `uuidString.lowercased()` (the text of `UserID.description`), written directly.
    public var fastLowercaseUUIDString: String { Self.text(uuid, digits: "0123456789abcdef") }

    private static func text(_ uuid: uuid_t, digits: StaticString) -> String {
        withUnsafeBytes(of: uuid) { raw in
            String(unsafeUninitializedCapacity: 36) { out in
                digits.withUTF8Buffer { hex in
                    var o = 0
                    for i in 0..<16 {
                        if i == 4 || i == 6 || i == 8 || i == 10 {
                            out[o] = UInt8(ascii: "-")
                            o += 1
                        }
                        out[o] = hex[Int(raw[i] >> 4)]
                        out[o + 1] = hex[Int(raw[i] & 0x0F)]
                        o += 2
                    }
                    return o
                }
            }
        }
    }

    /// Byte order, which is also the order of `uuidString` texts (and of PostgreSQL's uuid type).
    public static func byteOrderLess(_ a: UUID, _ b: UUID) -> Bool {
        withUnsafeBytes(of: a.uuid) { x in
            withUnsafeBytes(of: b.uuid) { y in memcmp(x.baseAddress!, y.baseAddress!, 16) < 0 }
        }
    }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public var postgresText: String? { self.flatMap { $0.postgresText } }
}

/// SQL NULL as a parameter.
public struct PostgresNull: PostgresEncodable {
    public init() {}
    public var postgresText: String? { nil }
}

/// A one-dimensional array parameter in PostgreSQL's text form (`{"a","b",NULL}`), built from the elements'
/// own text forms; cast it in SQL (`$1::bigint[]`). Every element is quoted and escaped, so any text is safe.
public struct PostgresArrayLiteral: PostgresEncodable, Sendable {
    public let postgresText: String?

    public init(_ elements: [String?]) {
        // Written straight into the string's storage: one pass to size it, one to fill it, over each element's
        // contiguous UTF-8 (flushes carry thousands of elements, 25 per settled request).
        var length = 2 + max(0, elements.count - 1)  // braces and commas
        for element in elements {
            guard let element else {
                length += 4
                continue
            }
            length += 2 + element.utf8.count + Self.escapes(in: element)
        }
        postgresText = String(unsafeUninitializedCapacity: length) { out in
            var o = 0
            out[o] = UInt8(ascii: "{")
            o += 1
            for (i, element) in elements.enumerated() {
                if i > 0 {
                    out[o] = UInt8(ascii: ",")
                    o += 1
                }
                guard let element else {
                    for byte in "NULL".utf8 {
                        out[o] = byte
                        o += 1
                    }
                    continue
                }
                out[o] = UInt8(ascii: "\"")
                o += 1
                Self.writeEscaped(element, to: out, at: &o)
                out[o] = UInt8(ascii: "\"")
                o += 1
            }
            out[o] = UInt8(ascii: "}")
            return o + 1
        }
    }

    /// `"` and `\` need a backslash inside a quoted element.
    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    private static func escapes(in element: String) -> Int {
        if let count = element.utf8.withContiguousStorageIfAvailable({ utf8 in
            var count = 0
            for byte in utf8 where needsEscape(byte) { count += 1 }
            return count
        }) {
            return count
        }
        return element.utf8.reduce(0) { $0 + (needsEscape($1) ? 1 : 0) }
    }

    private static func writeEscaped(_ element: String, to out: UnsafeMutableBufferPointer<UInt8>, at o: inout Int) {
        func write<S: Sequence<UInt8>>(_ utf8: S, _ o: inout Int) {
            for byte in utf8 {
                if needsEscape(byte) {
                    out[o] = UInt8(ascii: "\\")
                    o += 1
                }
                out[o] = byte
                o += 1
            }
        }
        let done: Void? = element.utf8.withContiguousStorageIfAvailable { write($0, &o) }
        if done == nil { write(element.utf8, &o) }
    }
}
