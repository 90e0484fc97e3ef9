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
extension UUID: PostgresEncodable { public var postgresText: String? { uuidString } }
extension Date: PostgresEncodable { public var postgresText: String? { PostgresTimestamp.format(self) } }
extension MicroCredits: PostgresEncodable { public var postgresText: String? { String(rawValue) } }
extension Picodollars: PostgresEncodable { public var postgresText: String? { String(rawValue) } }
extension UserID: PostgresEncodable { public var postgresText: String? { rawValue.uuidString } }
extension APIKeyID: PostgresEncodable { public var postgresText: String? { rawValue.uuidString } }

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
        var text = "{"
        for (i, element) in elements.enumerated() {
            if i > 0 { text += "," }
            guard let element else {
                text += "NULL"
                continue
            }
            text += "\""
            for ch in element.unicodeScalars {
                if ch == "\"" || ch == "\\" { text += "\\" }
                text.unicodeScalars.append(ch)
            }
            text += "\""
        }
        postgresText = text + "}"
    }
}
