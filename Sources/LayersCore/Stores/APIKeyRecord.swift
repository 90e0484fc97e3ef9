import Foundation
import LayersCredits

/// The stored form of an API key: its SHA-256 hash (never the plaintext), a display prefix and its settings.
public struct APIKeyRecord: Sendable, Hashable, Codable {
    /// Live keys reach real providers and are charged; test keys are answered by the simulator and never charged.
    public typealias Mode = APIKeyMode

    /// Why a key may not be used right now.
    public enum Status: String, Sendable, Hashable, Codable {
        case active
        case revoked
        case expired
    }

    public var id: APIKeyID
    public var userID: UserID
    /// Lowercase hex SHA-256 of the full plaintext key; unique.
    public var keyHash: String
    /// Short display prefix (e.g. `lyr_live_AbCd`), safe to show in lists.
    public var keyPrefix: String
    public var name: String
    /// Optional project the key belongs to; usage rows carry it for attribution.
    public var project: String?
    public var mode: Mode
    public var isActive: Bool
    public var expiresAt: Date?
    public var lastUsedAt: Date?
    public var createdAt: Date
    public var revokedAt: Date?
    /// Overrides the owner's tier for rate limiting (tier name as in `LayersCredits`).
    public var tierOverride: String?
    /// Optional spending cap for this key in micro-credits per calendar month (UTC); nil = no cap.
    public var monthlyBudget: MicroCredits?
    /// Margin for requests made with this key, in basis points (6000 = 60%); wins over the owner's and the
    /// model's margins. nil = no key-level override.
    public var marginBps: Int?

    public init(
        id: APIKeyID, userID: UserID, keyHash: String, keyPrefix: String, name: String, project: String? = nil,
        mode: Mode, isActive: Bool = true, expiresAt: Date? = nil, lastUsedAt: Date? = nil,
        createdAt: Date, revokedAt: Date? = nil, tierOverride: String? = nil, monthlyBudget: MicroCredits? = nil,
        marginBps: Int? = nil
    ) {
        self.id = id
        self.userID = userID
        self.keyHash = keyHash
        self.keyPrefix = keyPrefix
        self.name = name
        self.project = project
        self.mode = mode
        self.isActive = isActive
        self.expiresAt = expiresAt
        self.lastUsedAt = lastUsedAt
        self.createdAt = createdAt
        self.revokedAt = revokedAt
        self.tierOverride = tierOverride
        self.monthlyBudget = monthlyBudget
        self.marginBps = marginBps
    }

    /// Whether the key may be used at `now`: revoked wins over expired.
    public func status(at now: Date = Date()) -> Status {
        if !isActive || revokedAt != nil { return .revoked }
        if let expiresAt, expiresAt <= now { return .expired }
        return .active
    }
}

/// What a caller supplies to create a key record. The plaintext key is generated and hashed by the caller
/// (`LayersCore` key helpers); the store only ever sees the hash.
public struct NewAPIKey: Sendable, Hashable {
    public var id: APIKeyID
    public var userID: UserID
    public var keyHash: String
    public var keyPrefix: String
    public var name: String
    public var project: String?
    public var mode: APIKeyRecord.Mode
    public var expiresAt: Date?
    public var tierOverride: String?
    public var monthlyBudget: MicroCredits?
    /// Key-level margin in basis points (see `APIKeyRecord.marginBps`).
    public var marginBps: Int?

    public init(
        id: APIKeyID = .random(), userID: UserID, keyHash: String, keyPrefix: String, name: String,
        project: String? = nil, mode: APIKeyRecord.Mode, expiresAt: Date? = nil, tierOverride: String? = nil,
        monthlyBudget: MicroCredits? = nil, marginBps: Int? = nil
    ) {
        self.id = id
        self.userID = userID
        self.keyHash = keyHash
        self.keyPrefix = keyPrefix
        self.name = name
        self.project = project
        self.mode = mode
        self.expiresAt = expiresAt
        self.tierOverride = tierOverride
        self.monthlyBudget = monthlyBudget
        self.marginBps = marginBps
    }
}
