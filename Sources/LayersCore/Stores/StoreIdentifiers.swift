import Foundation

/// Identifies a Layers user (a `users.id` UUID in PostgreSQL).
public struct UserID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: UUID
    public init(_ rawValue: UUID) { self.rawValue = rawValue }
    /// Parses the canonical UUID text form; nil when malformed.
    public init?(_ text: String) {
        guard let uuid = UUID(uuidString: text) else { return nil }
        rawValue = uuid
    }
    /// A fresh random id.
    public static func random() -> UserID { UserID(UUID()) }
    public var description: String { rawValue.uuidString.lowercased() }
}

/// Identifies one API key record (an `api_keys.id` UUID). Never the key itself.
public struct APIKeyID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: UUID
    public init(_ rawValue: UUID) { self.rawValue = rawValue }
    /// Parses the canonical UUID text form; nil when malformed.
    public init?(_ text: String) {
        guard let uuid = UUID(uuidString: text) else { return nil }
        rawValue = uuid
    }
    /// A fresh random id.
    public static func random() -> APIKeyID { APIKeyID(UUID()) }
    public var description: String { rawValue.uuidString.lowercased() }
}
