import Foundation
import LayersCore
import LayersCredits

extension PostgresStore: AccountStore {
    /// `reserved` is what requests hold: a lease (`credit_leases`) that no request holds yet is available, so it is
    /// left out (a `LeasedCreditLedger` adds the holds it keeps in memory).
    static let accountColumns = """
        user_id, balance,
        reserved - COALESCE((SELECT sum(l.amount) FROM credit_leases l WHERE l.user_id = credit_balances.user_id), 0)::bigint,
        tier, monthly_credits, margin_bps, billing_customer_id, billing_subscription_id,
        updated_at
        """

    static func decodeAccount(_ row: PostgresRow) throws -> CreditAccount {
        CreditAccount(
            userID: UserID(try row.requiredUUID(0)), balance: MicroCredits(rawValue: try row.requiredInt64(1)),
            reserved: MicroCredits(rawValue: try row.requiredInt64(2)), tier: try row.requiredString(3),
            monthlyCredits: MicroCredits(rawValue: try row.requiredInt64(4)), marginBps: row.int(5),
            billingCustomerID: row.string(6), billingSubscriptionID: row.string(7), updatedAt: try row.requiredDate(8))
    }

    static func decodeUser(_ row: PostgresRow) throws -> UserAccount {
        UserAccount(id: UserID(try row.requiredUUID(0)), email: row.string(1), displayName: row.string(2),
                    createdAt: try row.requiredDate(3))
    }

    static func fetchAccount(_ conn: PostgresConnection, _ userID: UserID) throws -> CreditAccount? {
        let result = try conn.query("SELECT \(accountColumns) FROM credit_balances WHERE user_id = $1", [userID])
        return result.count == 0 ? nil : try decodeAccount(result.row(0))
    }

    public func createUser(_ user: NewUser) async throws -> UserAccount {
        try await run(idempotent: false, user: user.id) { conn in
            let result = try conn.query("""
                WITH u AS (
                    INSERT INTO users (id, email, display_name) VALUES ($1, $2, $3)
                    RETURNING id, email, display_name, created_at
                ), b AS (
                    INSERT INTO credit_balances (user_id, tier, monthly_credits) SELECT id, $4, $5 FROM u
                )
                SELECT id, email, display_name, created_at FROM u
                """, [user.id, user.email, user.displayName, user.tier, user.monthlyCredits])
            return try Self.decodeUser(result.row(0))
        }
    }

    public func user(id: UserID) async throws -> UserAccount? {
        try await run { conn in
            let result = try conn.query("SELECT id, email, display_name, created_at FROM users WHERE id = $1", [id])
            return result.count == 0 ? nil : try Self.decodeUser(result.row(0))
        }
    }

    public func user(email: String) async throws -> UserAccount? {
        try await run { conn in
            let result = try conn.query(
                "SELECT id, email, display_name, created_at FROM users WHERE lower(email) = lower($1)", [email])
            return result.count == 0 ? nil : try Self.decodeUser(result.row(0))
        }
    }

    public func listUsers(limit: Int, offset: Int) async throws -> [UserAccount] {
        try await run { conn in
            try conn.query("""
                SELECT id, email, display_name, created_at FROM users ORDER BY created_at, id LIMIT $1 OFFSET $2
                """, [max(0, limit), max(0, offset)]).rows.map(Self.decodeUser)
        }
    }

    public func creditAccount(userID: UserID) async throws -> CreditAccount? {
        try await run { conn in try Self.fetchAccount(conn, userID) }
    }

    public func setTier(userID: UserID, tier: String, monthlyCredits: MicroCredits) async throws -> CreditAccount {
        try await update(userID, "tier = $2, monthly_credits = $3", [tier, monthlyCredits])
    }

    public func setMargin(userID: UserID, marginBps: Int?) async throws -> CreditAccount {
        if let marginBps, marginBps < 0 { throw StoreError.invalidArgument("margin must be >= 0 bps") }
        return try await update(userID, "margin_bps = $2", [marginBps])
    }

    public func setBillingIDs(userID: UserID, customerID: String?, subscriptionID: String?) async throws
        -> CreditAccount
    {
        try await update(userID, "billing_customer_id = $2, billing_subscription_id = $3", [customerID, subscriptionID])
    }

    private func update(_ userID: UserID, _ assignments: String, _ values: [any PostgresEncodable & Sendable])
        async throws -> CreditAccount
    {
        let account: CreditAccount? = try await run(user: userID) { conn in
            let result = try conn.query("""
                UPDATE credit_balances SET \(assignments), updated_at = now() WHERE user_id = $1
                RETURNING \(Self.accountColumns)
                """, [userID] + values)
            return result.count == 0 ? nil : try Self.decodeAccount(result.row(0))
        }
        guard let account else { throw StoreError.userNotFound(userID) }
        return account
    }

    public func addCredits(userID: UserID, amount: MicroCredits, externalRef: String?, note: String?) async throws
        -> CreditChange
    {
        guard amount > .zero else { throw StoreError.invalidArgument("amount must be > 0") }
        return try await change("add_credits", userID, amount, externalRef, note)
    }

    public func deductCredits(userID: UserID, amount: MicroCredits, externalRef: String?, note: String?) async throws
        -> CreditChange
    {
        guard amount > .zero else { throw StoreError.invalidArgument("amount must be > 0") }
        return try await change("deduct_credits", userID, amount, externalRef, note)
    }

    /// Without an external reference a retry could apply twice, so only referenced changes are retried.
    private func change(_ function: String, _ userID: UserID, _ amount: MicroCredits, _ externalRef: String?,
                        _ note: String?) async throws -> CreditChange {
        try await run(idempotent: externalRef != nil, user: userID, amount: amount) { conn in
            let result = try conn.query("SELECT applied FROM \(function)($1, $2, $3, $4)",
                                        [userID, amount, externalRef, note])
            let applied = try result.row(0).requiredBool(0)
            guard let account = try Self.fetchAccount(conn, userID) else {
                throw PostgresError(.server, sqlState: "LY404", message: "user not found")
            }
            return CreditChange(applied: applied, account: account)
        }
    }

    public func hasSufficientCredits(userID: UserID, amount: MicroCredits) async throws -> Bool {
        try await run { conn in
            try conn.query("SELECT has_sufficient_credits($1, $2)", [userID, amount]).row(0).requiredBool(0)
        }
    }

    public func modelMargins() async throws -> [String: Int] {
        try await run { conn in
            var margins: [String: Int] = [:]
            for row in try conn.query("SELECT model, margin_bps FROM margin_configs").rows {
                margins[try row.requiredString(0)] = try row.requiredInt(1)
            }
            return margins
        }
    }

    public func setModelMargin(model: String, marginBps: Int?) async throws {
        if let marginBps, marginBps < 0 { throw StoreError.invalidArgument("margin must be >= 0 bps") }
        try await run { conn in
            if let marginBps {
                try conn.query("""
                    INSERT INTO margin_configs (model, margin_bps) VALUES ($1, $2)
                    ON CONFLICT (model) DO UPDATE SET margin_bps = EXCLUDED.margin_bps, updated_at = now()
                    """, [model, marginBps])
            } else {
                try conn.query("DELETE FROM margin_configs WHERE model = $1", [model])
            }
            return ()
        }
    }
}
