import Foundation
import LayersCore
import LayersCredits

extension PostgresStore: CreditLedger {
    public func reserve(requestID: String, userID: UserID, amount: MicroCredits, ttl: Duration) async throws
        -> ReservationOutcome
    {
        guard !requestID.isEmpty else { throw StoreError.invalidArgument("empty request id") }
        guard amount >= .zero else { throw StoreError.invalidArgument("amount must be >= 0") }
        let c = ttl.components
        let seconds = Double(c.seconds) + Double(c.attoseconds) / 1e18
        return try await run(user: userID, amount: amount, requestID: requestID) { conn in
            let row = try conn.query(Self.reserveSQL, [requestID, userID, amount, seconds]).row(0)
            return try Self.reservationOutcome(row, requestID: requestID, userID: userID, amount: amount)
        }
    }

    /// Holds commit without waiting for the WAL flush (`synchronous_commit` off for that transaction only): the
    /// fdatasync (~0.6 ms on the benchmark machine) is the largest part of the hold's round trip, which sits on
    /// the response path. This is safe for money: WAL is written in order, so the hold is durable as soon as any
    /// later synchronous commit is (the request's own settlement, or another request's), and a database crash can
    /// only lose the holds of requests still in flight at that moment. Their settlements then find no hold and
    /// charge the free balance as usual (capped there, shortfall recorded as uncollected), exactly like a hold that
    /// expired. Settlements and every other write keep synchronous commit.
    static let asyncCommit = "set_config('synchronous_commit', 'off', true)"

    static let reserveSQL = """
        SELECT r.outcome, r.amount, r.state, r.created_at, r.expires_at, r.available
        FROM \(asyncCommit) AS c, reserve_credits($1, $2, $3, $4) r
        """

    static func reservationOutcome(_ row: PostgresRow, requestID: String, userID: UserID, amount: MicroCredits) throws
        -> ReservationOutcome
    {
        let outcome = try row.requiredString(0)
        if outcome == "insufficient" {
            return .insufficient(available: MicroCredits(rawValue: try row.requiredInt64(5)), required: amount)
        }
        guard let state = Reservation.State(rawValue: try row.requiredString(2)) else {
            throw PostgresError(.decoding, message: "unknown reservation state")
        }
        let reservation = Reservation(
            requestID: requestID, userID: userID, amount: MicroCredits(rawValue: try row.requiredInt64(1)),
            state: state, createdAt: try row.requiredDate(3), expiresAt: try row.requiredDate(4))
        return .reserved(reservation, replayed: outcome == "replayed")
    }

    /// One hold request of a batch (`reserveBatch`).
    public struct ReserveRequest: Sendable {
        public var requestID: String
        public var userID: UserID
        public var amount: MicroCredits
        public var ttl: Duration
        public init(requestID: String, userID: UserID, amount: MicroCredits, ttl: Duration) {
            self.requestID = requestID
            self.userID = userID
            self.amount = amount
            self.ttl = ttl
        }
        var ttlSeconds: Double {
            let c = ttl.components
            return Double(c.seconds) + Double(c.attoseconds) / 1e18
        }
    }

    /// The batch form of `reserve_credits`, like `settleBatchSQL`: one round trip and one commit for the batch
    /// (asynchronous, like `reserveSQL`).
    static let reserveBatchSQL = """
        SELECT r.outcome, r.amount, r.state, r.created_at, r.expires_at, r.available
        FROM \(asyncCommit) AS c,
             unnest($1::text[], $2::uuid[], $3::bigint[], $4::double precision[])
             WITH ORDINALITY AS t(request_id, user_id, amount, ttl, ord)
        CROSS JOIN LATERAL reserve_credits(t.request_id, t.user_id, t.amount, t.ttl) r
        ORDER BY t.ord
        """

    /// Group commit for holds: places several holds in ONE statement and transaction, with the semantics of
    /// calling `reserve` for each in order of user id then request id (the lock order of `settleBatch` too, so
    /// batches of either kind never deadlock each other). Results come back in the order given. When the database
    /// refuses one (unknown user, request id of another user), the batch is rolled back and its holds are placed
    /// one by one. Throws (`StoreError.unavailable`) only when the database is unreachable.
    public func reserveBatch(_ requests: [ReserveRequest]) async throws -> [Result<ReservationOutcome, any Error>] {
        try await runBatch(
            requests,
            validate: { r in
                if r.requestID.isEmpty { throw StoreError.invalidArgument("empty request id") }
                if r.amount < .zero { throw StoreError.invalidArgument("amount must be >= 0") }
            },
            lockKey: { ($0.userID.rawValue, $0.requestID) },
            inOneStatement: { ordered, conn in try Self.reserveInOneStatement(ordered, on: conn) },
            alone: { await reserveResult($0) })
    }

    static func reserveInOneStatement(_ requests: [ReserveRequest], on conn: PostgresConnection) throws
        -> [ReservationOutcome]
    {
        let columns: [any PostgresEncodable] = [
            PostgresArrayLiteral(requests.map { $0.requestID }),
            PostgresArrayLiteral(requests.map { $0.userID.postgresText }),
            PostgresArrayLiteral(requests.map { $0.amount.postgresText }),
            PostgresArrayLiteral(requests.map { $0.ttlSeconds.postgresText }),
        ]
        let result = try conn.query(reserveBatchSQL, columns)
        guard result.count == requests.count else {
            throw PostgresError(.decoding, message: "batch reserved \(result.count) of \(requests.count)")
        }
        return try zip(requests, result.rows).map { r, row in
            try reservationOutcome(row, requestID: r.requestID, userID: r.userID, amount: r.amount)
        }
    }

    private func reserveResult(_ r: ReserveRequest) async -> Result<ReservationOutcome, any Error> {
        do {
            return .success(try await reserve(requestID: r.requestID, userID: r.userID, amount: r.amount, ttl: r.ttl))
        } catch {
            return .failure(error)
        }
    }

    static let settleSQL = """
        SELECT charged, uncollected, released, balance_after, replayed FROM settle_credits(
            $1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
            $21, $22, $23)
        """

    static func validate(_ settlement: Settlement) throws {
        guard !settlement.usage.requestID.isEmpty else { throw StoreError.invalidArgument("empty request id") }
        guard settlement.charge >= .zero else { throw StoreError.invalidArgument("charge must be >= 0") }
    }

    static func settleParameters(_ settlement: Settlement) -> [any PostgresEncodable & Sendable] {
        let u = settlement.usage
        return [
            u.requestID, u.userID, settlement.charge, u.apiKeyID, u.project, u.metadataJSON, u.provider, u.model,
            u.promptTokens, u.cachedTokens, u.cacheWriteTokens, u.completionTokens, u.reasoningTokens, u.baseCost,
            u.credits, u.marginBps, u.latencyMs, u.ttftMs, u.status, u.errorCode, u.isTest, u.isStream, u.createdAt,
        ]
    }

    /// Runs `settle_credits` for one settlement on `conn` (inside whatever transaction is open).
    static func settle(_ settlement: Settlement, on conn: PostgresConnection) throws -> SettlementOutcome {
        let row = try conn.query(settleSQL, settleParameters(settlement)).row(0)
        return SettlementOutcome(
            requestID: settlement.usage.requestID, charged: MicroCredits(rawValue: try row.requiredInt64(0)),
            uncollected: MicroCredits(rawValue: try row.requiredInt64(1)),
            released: MicroCredits(rawValue: try row.requiredInt64(2)),
            balanceAfter: MicroCredits(rawValue: try row.requiredInt64(3)), replayed: try row.requiredBool(4))
    }

    /// The batch statement: the 23 `settle_credits` arguments as 23 arrays, unnested WITH ORDINALITY and fed
    /// row by row to the procedure. One round trip and one implicit transaction (one commit) for the batch;
    /// the procedure is VOLATILE, so each call sees the writes of the calls before it in the same statement.
    static let settleBatchSQL = """
        SELECT r.charged, r.uncollected, r.released, r.balance_after, r.replayed
        FROM unnest($1::text[], $2::uuid[], $3::bigint[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[],
                    $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[],
                    $15::bigint[], $16::integer[], $17::integer[], $18::integer[], $19::integer[], $20::text[],
                    $21::boolean[], $22::boolean[], $23::timestamptz[])
             WITH ORDINALITY AS t(request_id, user_id, charge, api_key_id, project, metadata, provider, model,
                                  prompt_tokens, cached_tokens, cache_write_tokens, completion_tokens,
                                  reasoning_tokens, base_cost_pd, credits, margin_bps, latency_ms, ttft_ms, status,
                                  error_code, is_test, is_stream, created_at, ord)
        CROSS JOIN LATERAL settle_credits(
            t.request_id, t.user_id, t.charge, t.api_key_id, t.project, t.metadata::jsonb, t.provider, t.model,
            t.prompt_tokens, t.cached_tokens, t.cache_write_tokens, t.completion_tokens, t.reasoning_tokens,
            t.base_cost_pd, t.credits, t.margin_bps, t.latency_ms, t.ttft_ms, t.status, t.error_code, t.is_test,
            t.is_stream, t.created_at) r
        ORDER BY t.ord
        """

    static func settleInOneStatement(_ settlements: [Settlement], on conn: PostgresConnection) throws
        -> [SettlementOutcome]
    {
        let rows = settlements.map { settleParameters($0).map { $0.postgresText } }
        let columns: [any PostgresEncodable] = (0..<23).map { c in PostgresArrayLiteral(rows.map { $0[c] }) }
        let result = try conn.query(settleBatchSQL, columns)
        guard result.count == settlements.count else {
            throw PostgresError(.decoding, message: "batch settled \(result.count) of \(settlements.count)")
        }
        return try zip(settlements, result.rows).map { settlement, row in
            SettlementOutcome(
                requestID: settlement.usage.requestID, charged: MicroCredits(rawValue: try row.requiredInt64(0)),
                uncollected: MicroCredits(rawValue: try row.requiredInt64(1)),
                released: MicroCredits(rawValue: try row.requiredInt64(2)),
                balanceAfter: MicroCredits(rawValue: try row.requiredInt64(3)), replayed: try row.requiredBool(4))
        }
    }

    public func settle(_ settlement: Settlement) async throws -> SettlementOutcome {
        try Self.validate(settlement)
        return try await run(user: settlement.usage.userID, requestID: settlement.usage.requestID) { conn in
            try Self.settle(settlement, on: conn)
        }
    }

    /// Group commit: settles several requests in ONE statement and transaction (one round trip and one WAL
    /// flush instead of one each per request),
    /// with exactly the semantics of calling `settle` for each in order of user id then request id. That
    /// order is also the lock order, so concurrent batches never deadlock.
    ///
    /// Results come back in the order given. When the database refuses one settlement (unknown user, request
    /// id of another user, invalid argument), the batch is rolled back and its settlements run one by one, so
    /// one bad settlement never fails the others. Throws (`StoreError.unavailable`) only when the database is
    /// unreachable: then none of them is known to have been applied, and all may be retried (idempotent).
    public func settleBatch(_ settlements: [Settlement]) async throws -> [Result<SettlementOutcome, any Error>] {
        try await runBatch(
            settlements,
            validate: { try Self.validate($0) },
            lockKey: { ($0.usage.userID.rawValue, $0.usage.requestID) },
            inOneStatement: { ordered, conn in try Self.settleInOneStatement(ordered, on: conn) },
            alone: { await settleResult($0) })
    }

    /// The shared shape of group commit (holds and settlements): items that fail `validate` get their error; the
    /// rest run in ONE statement in lock order (user id, then request id, so batches of either kind never deadlock
    /// each other), again up to twice when the sweeper deadlocks with them (the batch rolled back whole); a lone
    /// item runs `alone`. When the database refuses any item, the batch rolled back and each runs `alone`, so one
    /// bad item never fails the others. Throws only when the database is unreachable. Results in the order given.
    private func runBatch<Item: Sendable, Outcome: Sendable>(
        _ items: [Item],
        validate: (Item) throws -> Void,
        lockKey: (Item) -> (user: UUID, requestID: String),
        inOneStatement: @escaping @Sendable ([Item], PostgresConnection) throws -> [Outcome],
        alone: (Item) async -> Result<Outcome, any Error>
    ) async throws -> [Result<Outcome, any Error>] {
        var results = [Result<Outcome, any Error>?](repeating: nil, count: items.count)
        var valid: [Int] = []
        for (i, item) in items.enumerated() {
            do {
                try validate(item)
                valid.append(i)
            } catch {
                results[i] = .failure(error)
            }
        }
        valid.sort {
            let a = lockKey(items[$0]), b = lockKey(items[$1])
            return a.user != b.user ? UUID.byteOrderLess(a.user, b.user)
                : (a.requestID != b.requestID ? a.requestID < b.requestID : $0 < $1)
        }
        if valid.count == 1 {
            results[valid[0]] = await alone(items[valid[0]])
        } else if !valid.isEmpty {
            let ordered = valid.map { items[$0] }
            do {
                var attempt = 0
                while true {
                    attempt += 1
                    do {
                        let outcomes = try await pool.withConnection(retryOnConnectionLoss: true) { conn in
                            try inOneStatement(ordered, conn)
                        }
                        for (i, outcome) in zip(valid, outcomes) { results[i] = .success(outcome) }
                        break
                    } catch let error as PostgresError
                        where attempt < 3 && (error.sqlState == "40P01" || error.sqlState == "40001") {
                        continue
                    }
                }
            } catch let error as PostgresError where error.isTransient {
                throw error.storeError(user: nil, amount: nil, requestID: nil)
            } catch {
                for i in valid { results[i] = await alone(items[i]) }
            }
        }
        return results.map { $0! }
    }

    private func settleResult(_ settlement: Settlement) async -> Result<SettlementOutcome, any Error> {
        do { return .success(try await settle(settlement)) } catch { return .failure(error) }
    }

    public func release(requestID: String) async throws -> Bool {
        try await run(requestID: requestID) { conn in
            try conn.query("SELECT release_credits($1)", [requestID]).row(0).requiredBool(0)
        }
    }

    public func sweepExpiredReservations(now: Date) async throws -> Int {
        var total = 0
        while true {
            let n = try await run { conn in
                try conn.query("SELECT sweep_expired_reservations($1, 1000)", [now]).row(0).requiredInt(0)
            }
            total += n
            if n < 1000 { return total }
        }
    }

    public func reservation(requestID: String) async throws -> Reservation? {
        try await run { conn in
            let result = try conn.query("""
                SELECT request_id, user_id, amount, state, created_at, expires_at FROM credit_reservations
                WHERE request_id = $1
                """, [requestID])
            guard result.count > 0 else { return nil }
            let row = result.row(0)
            guard let state = Reservation.State(rawValue: try row.requiredString(3)) else {
                throw PostgresError(.decoding, message: "unknown reservation state")
            }
            return Reservation(requestID: try row.requiredString(0), userID: UserID(try row.requiredUUID(1)),
                               amount: MicroCredits(rawValue: try row.requiredInt64(2)), state: state,
                               createdAt: try row.requiredDate(4), expiresAt: try row.requiredDate(5))
        }
    }

    public func ledgerEntries(userID: UserID, limit: Int) async throws -> [LedgerEntry] {
        try await run { conn in
            try conn.query("""
                SELECT id, user_id, kind, amount, request_id, external_ref, note, balance_after, reserved_after,
                       created_at
                FROM credit_ledger WHERE user_id = $1 ORDER BY id DESC LIMIT $2
                """, [userID, max(0, limit)]).rows.map { row in
                guard let kind = LedgerEntry.Kind(rawValue: try row.requiredString(2)) else {
                    throw PostgresError(.decoding, message: "unknown ledger kind")
                }
                return LedgerEntry(
                    id: try row.requiredInt64(0), userID: UserID(try row.requiredUUID(1)), kind: kind,
                    amount: MicroCredits(rawValue: try row.requiredInt64(3)), requestID: row.string(4),
                    externalRef: row.string(5), note: row.string(6),
                    balanceAfter: MicroCredits(rawValue: try row.requiredInt64(7)),
                    reservedAfter: MicroCredits(rawValue: try row.requiredInt64(8)), createdAt: try row.requiredDate(9))
            }
        }
    }
}
