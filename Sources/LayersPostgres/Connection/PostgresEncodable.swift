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
        // Built as UTF-8 bytes: one pass per element, no per-character String appends (flushes carry thousands).
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        bytes.reserveCapacity(2 + elements.reduce(0) { $0 + ($1?.utf8.count ?? 4) + 3 })
        for (i, element) in elements.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            guard let element else {
                bytes.append(contentsOf: "NULL".utf8)
                continue
            }
            bytes.append(UInt8(ascii: "\""))
            for byte in element.utf8 {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { bytes.append(UInt8(ascii: "\\")) }
                bytes.append(byte)
            }
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: "}"))
        postgresText = String(decoding: bytes, as: UTF8.self)
    }
}
