import Foundation
import LayersCore
import LayersCredits

extension PostgresStore: CreditLeaseStore {
    static func seconds(_ d: Duration) -> Double {
        let c = d.components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }

    public func acquireLease(holder: String, userID: UserID, need: MicroCredits, want: MicroCredits, ttl: Duration)
        async throws -> LeaseGrant
    {
        guard need >= .zero, want >= need else { throw StoreError.invalidArgument("need must be >= 0 and want >= need") }
        return try await run(idempotent: false, user: userID, amount: need) { conn in
            let row = try conn.query("""
                SELECT granted, lease_amount, balance, reserved FROM acquire_credit_lease($1, $2, $3, $4, $5)
                """, [holder, userID, need, want, Self.seconds(ttl)]).row(0)
            return LeaseGrant(granted: MicroCredits(rawValue: try row.requiredInt64(0)),
                              lease: MicroCredits(rawValue: try row.requiredInt64(1)),
                              balance: MicroCredits(rawValue: try row.requiredInt64(2)),
                              reserved: MicroCredits(rawValue: try row.requiredInt64(3)))
        }
    }

    public func returnLease(holder: String, userID: UserID, amount: MicroCredits?) async throws -> MicroCredits {
        // Giving back all of it may be repeated after a lost connection (the second time there is nothing left);
        // a given amount may not (it could be given back twice).
        try await run(idempotent: amount == nil, user: userID) { conn in
            let row = try conn.query("SELECT return_credit_lease($1, $2, $3)", [holder, userID, amount]).row(0)
            return MicroCredits(rawValue: try row.requiredInt64(0))
        }
    }

    public func renewLeases(holder: String, userIDs: [UserID], ttl: Duration) async throws -> Int {
        guard !userIDs.isEmpty else { return 0 }
        return try await run { conn in
            let users = PostgresArrayLiteral(userIDs.map(\.postgresText))
            return try conn.query("SELECT renew_credit_leases($1, $2::uuid[], $3)",
                                  [holder, users, Self.seconds(ttl)]).row(0).requiredInt(0)
        }
    }

    public func sweepExpiredLeases(now: Date) async throws -> Int {
        try await run { conn in try conn.query("SELECT sweep_expired_leases($1)", [now]).row(0).requiredInt(0) }
    }

    static let leaseFlushSQL = """
        SELECT user_id, charged, from_lease, shortfall, balance, reserved, lease, replayed FROM apply_lease_flush(
            $1, $2, $3, $4::uuid[], $5::bigint[], $6::integer[],
            $7::text[], $8::uuid[], $9::uuid[], $10::text[], $11::text[], $12::text[], $13::text[], $14::bigint[],
            $15::bigint[], $16::bigint[], $17::bigint[], $18::bigint[], $19::bigint[], $20::bigint[], $21::bigint[],
            $22::integer[], $23::integer[], $24::integer[], $25::integer[], $26::text[], $27::boolean[],
            $28::boolean[], $29::timestamptz[], $30::bigint[], $31::bigint[])
        """

    /// The usage row's columns in the order `apply_lease_flush` takes them, then the settlement's uncollected
    /// charge and released hold.
    static func leaseUsageColumns(_ s: LeasedSettlement) -> [String?] {
        let u = s.usage
        return [
u.requestID.postgresText, u.userID.postgresText, u.apiKeyID.postgresText, u.project.postgresText,
         u.metadataJSON.postgresText, u.provider.postgresText, u.model.postgresText, u.promptTokens.postgresText,
         u.cachedTokens.postgresText, u.cacheWriteTokens.postgresText, u.completionTokens.postgresText,
         u.reasoningTokens.postgresText, u.baseCost.postgresText, u.credits.postgresText,
         u.creditsCharged.postgresText, u.marginBps.postgresText, u.latencyMs.postgresText, u.ttftMs.postgresText,
         u.status.postgresText, u.errorCode.postgresText, u.isTest.postgresText, u.isStream.postgresText,
         u.createdAt.postgresText, s.uncollected.postgresText, s.released.postgresText]
    }

    public func applyLeaseFlush(id: UUID, holder: String, ttl: Duration, charges: [LeaseCharge],
                                settlements: [LeasedSettlement]) async throws
        -> [LeaseFlushResult]
    {
        let rows = settlements.map(Self.leaseUsageColumns)
        var parameters: [any PostgresEncodable & Sendable] = [
            id, holder, Self.seconds(ttl),
            PostgresArrayLiteral(charges.map(\.userID.postgresText)),
            PostgresArrayLiteral(charges.map(\.amount.postgresText)),
            PostgresArrayLiteral(charges.map { String($0.requests) }),
        ]
        for c in 0..<25 { parameters.append(PostgresArrayLiteral(rows.map { $0[c] })) }
        let arguments = parameters
        // Idempotent by flush id, so a connection lost mid-commit may be retried on a fresh one.
        return try await run { conn in
            try conn.query(Self.leaseFlushSQL, arguments).rows.map { row in
                LeaseFlushResult(
                    userID: UserID(try row.requiredUUID(0)), charged: MicroCredits(rawValue: try row.requiredInt64(1)),
                    fromLease: MicroCredits(rawValue: try row.requiredInt64(2)),
                    shortfall: MicroCredits(rawValue: try row.requiredInt64(3)),
                    balance: MicroCredits(rawValue: try row.requiredInt64(4)),
                    reserved: MicroCredits(rawValue: try row.requiredInt64(5)),
                    lease: MicroCredits(rawValue: try row.requiredInt64(6)), replayed: try row.requiredBool(7))
            }
        }
    }
}
