import Foundation
import LayersCore
import LayersCredits

extension PostgresStore: APIKeyStore {
    static let keyColumns = """
        id, user_id, key_hash, key_prefix, name, project, mode, is_active, expires_at, last_used_at, created_at,
        revoked_at, tier_override, monthly_budget, margin_bps
        """

    static func decodeKey(_ row: PostgresRow) throws -> APIKeyRecord {
        guard let mode = APIKeyRecord.Mode(rawValue: try row.requiredString(6)) else {
            throw PostgresError(.decoding, message: "unknown key mode")
        }
        return APIKeyRecord(
            id: APIKeyID(try row.requiredUUID(0)), userID: UserID(try row.requiredUUID(1)),
            keyHash: try row.requiredString(2), keyPrefix: try row.requiredString(3), name: try row.requiredString(4),
            project: row.string(5), mode: mode, isActive: try row.requiredBool(7), expiresAt: row.date(8),
            lastUsedAt: row.date(9), createdAt: try row.requiredDate(10), revokedAt: row.date(11),
            tierOverride: row.string(12), monthlyBudget: row.int64(13).map(MicroCredits.init(rawValue:)),
            marginBps: row.int64(14).map { Int($0) })
    }

    public func createKey(_ key: NewAPIKey) async throws -> APIKeyRecord {
        try await run(idempotent: false, user: key.userID) { conn in
            let result = try conn.query("""
                INSERT INTO api_keys (id, user_id, key_hash, key_prefix, name, project, mode, expires_at,
                                      tier_override, monthly_budget, margin_bps)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING \(Self.keyColumns)
                """, [key.id, key.userID, key.keyHash, key.keyPrefix, key.name, key.project, key.mode.rawValue,
                      key.expiresAt, key.tierOverride, key.monthlyBudget, key.marginBps.map(Int64.init)])
            return try Self.decodeKey(result.row(0))
        }
    }

    nonisolated(nonsending) public func lookup(keyHash: String) async throws -> APIKeyRecord? {
        try await run { conn in
            let result = try conn.query("SELECT \(Self.keyColumns) FROM api_keys WHERE key_hash = $1", [keyHash])
            return result.count == 0 ? nil : try Self.decodeKey(result.row(0))
        }
    }

    public func key(id: APIKeyID) async throws -> APIKeyRecord? {
        try await run { conn in
            let result = try conn.query("SELECT \(Self.keyColumns) FROM api_keys WHERE id = $1", [id])
            return result.count == 0 ? nil : try Self.decodeKey(result.row(0))
        }
    }

    public func listKeys(userID: UserID) async throws -> [APIKeyRecord] {
        try await run { conn in
            try conn.query("SELECT \(Self.keyColumns) FROM api_keys WHERE user_id = $1 ORDER BY created_at DESC, id DESC",
                           [userID]).rows.map(Self.decodeKey)
        }
    }

    public func setKeyMargin(id: APIKeyID, marginBps: Int?) async throws -> APIKeyRecord? {
        try await run { conn in
            let result = try conn.query(
                "UPDATE api_keys SET margin_bps = $2 WHERE id = $1 RETURNING \(Self.keyColumns)",
                [id, marginBps.map(Int64.init)])
            return result.count == 0 ? nil : try Self.decodeKey(result.row(0))
        }
    }

    public func setKeyBudget(id: APIKeyID, userID: UserID?, monthlyBudget: MicroCredits?) async throws
        -> APIKeyRecord?
    {
        try await run { conn in
            let result = try conn.query("""
                UPDATE api_keys SET monthly_budget = $3
                WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2::uuid) RETURNING \(Self.keyColumns)
                """, [id, userID, monthlyBudget])
            return result.count == 0 ? nil : try Self.decodeKey(result.row(0))
        }
    }

    public func revokeKey(id: APIKeyID, userID: UserID?) async throws -> APIKeyRecord? {
        try await run { conn in
            let result = try conn.query("""
                UPDATE api_keys SET is_active = false, revoked_at = COALESCE(revoked_at, now())
                WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2::uuid) RETURNING \(Self.keyColumns)
                """, [id, userID])
            return result.count == 0 ? nil : try Self.decodeKey(result.row(0))
        }
    }

    public func touchKey(id: APIKeyID, at date: Date) async throws {
        try await run { conn in
            try conn.query("""
                UPDATE api_keys SET last_used_at = $2
                WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz)
                """, [id, date])
            return ()
        }
    }
}
