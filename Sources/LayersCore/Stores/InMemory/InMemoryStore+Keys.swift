import Foundation
import LayersCredits

extension InMemoryStore {
    public func createKey(_ key: NewAPIKey) async throws -> APIKeyRecord {
        guard users[key.userID] != nil else { throw StoreError.userNotFound(key.userID) }
        guard keyIDsByHash[key.keyHash] == nil, keys[key.id] == nil else { throw StoreError.duplicate("API key") }
        let record = APIKeyRecord(
            id: key.id, userID: key.userID, keyHash: key.keyHash, keyPrefix: key.keyPrefix, name: key.name,
            project: key.project, mode: key.mode, isActive: true, expiresAt: key.expiresAt, createdAt: clock(),
            tierOverride: key.tierOverride, monthlyBudget: key.monthlyBudget, marginBps: key.marginBps)
        keys[key.id] = record
        keyIDsByHash[key.keyHash] = key.id
        return record
    }

    public func lookup(keyHash: String) async throws -> APIKeyRecord? {
        keyIDsByHash[keyHash].flatMap { keys[$0] }
    }

    public func key(id: APIKeyID) async throws -> APIKeyRecord? { keys[id] }

    public func listKeys(userID: UserID) async throws -> [APIKeyRecord] {
        keys.values.filter { $0.userID == userID }.sorted {
            ($0.createdAt, $0.id.description) > ($1.createdAt, $1.id.description)
        }
    }

    public func revokeKey(id: APIKeyID, userID: UserID?) async throws -> APIKeyRecord? {
        guard var record = keys[id] else { return nil }
        if let userID, record.userID != userID { return nil }
        if record.revokedAt == nil { record.revokedAt = clock() }
        record.isActive = false
        keys[id] = record
        return record
    }

    public func setKeyMargin(id: APIKeyID, marginBps: Int?) async throws -> APIKeyRecord? {
        guard var record = keys[id] else { return nil }
        record.marginBps = marginBps
        keys[id] = record
        return record
    }

    public func setKeyBudget(id: APIKeyID, userID: UserID?, monthlyBudget: MicroCredits?) async throws
        -> APIKeyRecord?
    {
        guard var record = keys[id] else { return nil }
        if let userID, record.userID != userID { return nil }
        record.monthlyBudget = monthlyBudget
        keys[id] = record
        return record
    }

    public func touchKey(id: APIKeyID, at date: Date) async throws {
        guard var record = keys[id] else { return }
        if record.lastUsedAt.map({ $0 < date }) ?? true {
            record.lastUsedAt = date
            keys[id] = record
        }
    }
}
