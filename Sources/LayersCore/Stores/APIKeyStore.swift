import Foundation
import LayersCredits

/// Storage of API key records. Lookups are by SHA-256 hash; the plaintext key never reaches a store.
///
/// ```swift
/// let record = try await keys.createKey(NewAPIKey(userID: user, keyHash: hash, keyPrefix: prefix,
///                                                 name: "laptop", mode: .live))
/// if let found = try await keys.lookup(keyHash: hash), found.status() == .active { ... }
/// ```
public protocol APIKeyStore: Sendable {
    /// Stores a new key. Throws `StoreError.duplicate` if the hash exists, `.userNotFound` for an unknown user.
    func createKey(_ key: NewAPIKey) async throws -> APIKeyRecord
    /// The record whose hash matches, whatever its status (callers check `status(at:)`), or nil.
    nonisolated(nonsending) func lookup(keyHash: String) async throws -> APIKeyRecord?
    /// One key by id, or nil.
    func key(id: APIKeyID) async throws -> APIKeyRecord?
    /// A user's keys, newest first, revoked ones included.
    func listKeys(userID: UserID) async throws -> [APIKeyRecord]
    /// Revokes a key (sets inactive and `revokedAt`). With `userID`, only if the key belongs to that user.
    /// Returns the updated record, or nil when no such key (for that user) exists. Revoking twice is harmless.
    func revokeKey(id: APIKeyID, userID: UserID?) async throws -> APIKeyRecord?
    /// Sets or clears (nil) a key's margin override in basis points. Returns the updated record, or nil when
    /// no such key exists.
    func setKeyMargin(id: APIKeyID, marginBps: Int?) async throws -> APIKeyRecord?
    /// Sets or clears (nil) a key's monthly budget in micro-credits. With `userID`, only if the key belongs to that
    /// user. Returns the updated record, or nil when no such key (for that user) exists.
    func setKeyBudget(id: APIKeyID, userID: UserID?, monthlyBudget: MicroCredits?) async throws -> APIKeyRecord?
    /// Records use of a key. Best-effort and cheap; callers may throttle it.
    func touchKey(id: APIKeyID, at date: Date) async throws
}
