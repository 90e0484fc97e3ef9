import Foundation
import LayersCore
import LayersCredits
import LayersPostgres
import XCTest

/// What the conformance suite cannot see from outside: prepared statements, races on one request id, group
/// commit, usage partitions, the maintenance loop, the key cache against the database, `layers-server migrate`.
final class PostgresProcedureTests: XCTestCase {
    private var pools: [PostgresPool] = []
    private var databases: [String] = []

    override func tearDown() async throws {
        pools.forEach { $0.shutdown() }
        pools = []
        if let url = PostgresTestSupport.databaseURL, !databases.isEmpty {
            let admin = PostgresPool(PostgresConfiguration(url: url, poolSize: 1))
            for name in databases {
                try? await admin.withConnection { conn in
                    try conn.execute(script: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
                }
            }
            admin.shutdown()
            databases = []
        }
    }

    private func store(poolSize: Int = 8, prepared: Bool = true) async throws -> PostgresStore {
        guard let url = PostgresTestSupport.databaseURL else { throw XCTSkip("DATABASE_URL is not set") }
        try await PostgresTestSupport.migrateOnce(url)
        let pool = PostgresPool(PostgresConfiguration(url: url, poolSize: poolSize, usePreparedStatements: prepared))
        pools.append(pool)
        return PostgresStore(pool: pool)
    }

    /// A migrated database of its own in the shared cluster (dropped in tearDown), for tests that need exact
    /// counts or create partitions.
    private func freshDatabase() async throws -> String {
        guard let url = PostgresTestSupport.databaseURL else { throw XCTSkip("DATABASE_URL is not set") }
        let name = "layers_proctest_\(UInt32.random(in: 0...UInt32.max))"
        let admin = PostgresPool(PostgresConfiguration(url: url, poolSize: 1))
        defer { admin.shutdown() }
        try await admin.withConnection { conn in try conn.execute(script: "CREATE DATABASE \(name)") }
        databases.append(name)
        let fresh = try MigrationTests.url(url, database: name)
        try await migrate(databaseURL: fresh)
        return fresh
    }

    private func usage(_ id: String, _ user: UserID, credits: Int64 = 0, at date: Date = Date()) -> UsageRecord {
        UsageRecord(requestID: id, userID: user, provider: "openai", model: "openai/gpt-5",
                    credits: MicroCredits(rawValue: credits), createdAt: date)
    }

    private func user(_ store: PostgresStore, credits: Int64) async throws -> UserID {
        let user = try await store.createUser(NewUser())
        if credits > 0 {
            _ = try await store.addCredits(userID: user.id, amount: MicroCredits(rawValue: credits), externalRef: nil,
                                           note: nil)
        }
        return user.id
    }

    // MARK: Prepared statements

    func testHotQueriesArePreparedOncePerConnection() async throws {
        let store = try await store(poolSize: 1)
        let userID = try await user(store, credits: 1_000_000)
        let hash = String(repeating: "e", count: 32) + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        _ = try await store.createKey(NewAPIKey(userID: userID, keyHash: hash, keyPrefix: "lyr_live_e", name: "k",
                                                mode: .live))
        for i in 0..<3 {
            let rid = "prep-\(UUID())-\(i)"
            _ = try await store.reserve(requestID: rid, userID: userID, amount: MicroCredits(rawValue: 10), ttl: .seconds(60))
            _ = try await store.settle(Settlement(usage: usage(rid, userID, credits: 5), charge: MicroCredits(rawValue: 5)))
            _ = try await store.lookup(keyHash: hash)
        }
        let statements = try await store.pool.withConnection { conn in
            try conn.query("SELECT statement FROM pg_prepared_statements").rows.map { try $0.requiredString(0) }
        }
        for needle in ["reserve_credits(", "settle_credits(", "WHERE key_hash = $1"] {
            XCTAssertEqual(statements.filter { $0.contains(needle) }.count, 1, "\(needle) prepared exactly once")
        }

        // Behind a pooler without prepared-statement support they can be turned off.
        let unprepared = try await self.store(poolSize: 1, prepared: false)
        _ = try await unprepared.lookup(keyHash: hash)
        let none = try await unprepared.pool.withConnection { conn in
            try conn.query("SELECT count(*) FROM pg_prepared_statements").row(0).requiredInt(0)
        }
        XCTAssertEqual(none, 0)
    }

    func testPreparedStatementsAreReplacedWithTheConnection() async throws {
        let store = try await store(poolSize: 1)
        let killer = try await self.store(poolSize: 1)
        let pid = try await store.pool.withConnection { conn in
            try conn.query("SELECT pg_backend_pid()").row(0).requiredInt64(0)
        }
        _ = try await killer.pool.withConnection { conn in try conn.query("SELECT pg_terminate_backend($1)", [pid]).count }
        // The lookup is retried on a new connection, where the statement must be prepared again.
        let missing = try await store.lookup(keyHash: String(repeating: "f", count: 64))
        XCTAssertNil(missing)
        let again = try await store.lookup(keyHash: String(repeating: "f", count: 64))
        XCTAssertNil(again)
    }

    // MARK: Races on one request id

    func testConcurrentDuplicateSettlementsChargeOnce() async throws {
        let store = try await store(poolSize: 16)
        let userID = try await user(store, credits: 10_000_000)
        let rid = "dup-settle-\(UUID())"
        _ = try await store.reserve(requestID: rid, userID: userID, amount: MicroCredits(rawValue: 3_000_000),
                                    ttl: .seconds(60))
        let settlement = Settlement(usage: usage(rid, userID, credits: 2_500_000), charge: MicroCredits(rawValue: 2_500_000))
        let outcomes = try await withThrowingTaskGroup(of: SettlementOutcome.self) { group in
            for _ in 0..<24 { group.addTask { try await store.settle(settlement) } }
            var all: [SettlementOutcome] = []
            for try await o in group { all.append(o) }
            return all
        }
        XCTAssertEqual(outcomes.filter { !$0.replayed }.count, 1, "exactly one settlement applied")
        XCTAssertTrue(outcomes.allSatisfy { $0.charged.rawValue == 2_500_000 }, "replays report the first outcome")
        let account = try await store.creditAccount(userID: userID)
        XCTAssertEqual(account?.balance.rawValue, 7_500_000)
        XCTAssertEqual(account?.reserved.rawValue, 0)
        let totals = try await store.usageTotals(UsageQuery(userID: userID, from: .distantPast, to: .distantFuture))
        XCTAssertEqual(totals.requests, 1)
        try await StoreConformance(stores: store.asStores(keyCacheTTL: nil)).assertLedgerMatches(userID)
    }

    func testConcurrentDuplicateReservationsHoldOnce() async throws {
        let store = try await store(poolSize: 16)
        let userID = try await user(store, credits: 10_000_000)
        let rid = "dup-reserve-\(UUID())"
        let outcomes = try await withThrowingTaskGroup(of: ReservationOutcome.self) { group in
            for _ in 0..<24 {
                group.addTask {
                    try await store.reserve(requestID: rid, userID: userID, amount: MicroCredits(rawValue: 4_000_000),
                                            ttl: .seconds(60))
                }
            }
            var all: [ReservationOutcome] = []
            for try await o in group { all.append(o) }
            return all
        }
        let fresh = outcomes.filter { if case .reserved(_, false) = $0 { return true } else { return false } }
        XCTAssertEqual(fresh.count, 1)
        XCTAssertEqual(outcomes.count, 24)
        let account = try await store.creditAccount(userID: userID)
        XCTAssertEqual(account?.reserved.rawValue, 4_000_000)
        try await StoreConformance(stores: store.asStores(keyCacheTTL: nil)).assertLedgerMatches(userID)
    }

    // MARK: Group commit

    func testSettleBatchHasTheSemanticsOfSingleSettlements() async throws {
        let store = try await store(poolSize: 4)
        let alice = try await user(store, credits: 10_000_000)
        let bob = try await user(store, credits: 1_000_000)
        let held = "batch-held-\(UUID())"
        _ = try await store.reserve(requestID: held, userID: alice, amount: MicroCredits(rawValue: 2_000_000),
                                    ttl: .seconds(60))
        let plain = "batch-plain-\(UUID())"
        let overrun = "batch-overrun-\(UUID())"
        let batch = [
            Settlement(usage: usage(held, alice, credits: 1_500_000), charge: MicroCredits(rawValue: 1_500_000)),
            Settlement(usage: usage(overrun, bob, credits: 3_000_000), charge: MicroCredits(rawValue: 3_000_000)),
            Settlement(usage: usage(plain, alice, credits: 100), charge: MicroCredits(rawValue: 100)),
            Settlement(usage: usage(held, alice, credits: 1_500_000), charge: MicroCredits(rawValue: 1_500_000)),
        ]
        var tagged = batch
        tagged[2].usage.metadataJSON = #"{"team":"a\"b","n":1}"#
        let results = try await store.settleBatch(tagged).map { try $0.get() }
        XCTAssertEqual(results.map(\.requestID), [held, overrun, plain, held], "results in the order given")
        XCTAssertEqual(results[0].charged.rawValue, 1_500_000)
        XCTAssertEqual(results[0].released.rawValue, 2_000_000)
        XCTAssertEqual(results[1].charged.rawValue, 1_000_000)
        XCTAssertEqual(results[1].uncollected.rawValue, 2_000_000)
        XCTAssertEqual(results[2].charged.rawValue, 100)
        XCTAssertEqual([results[0].replayed, results[3].replayed].filter { $0 }.count, 1, "duplicate in a batch: once")
        let stored = try await store.usage(requestID: plain)
        XCTAssertEqual(stored?.metadataJSON.map { $0.replacingOccurrences(of: " ", with: "") }, #"{"n":1,"team":"a\"b"}"#)
        let a = try await store.creditAccount(userID: alice)
        XCTAssertEqual(a?.balance.rawValue, 10_000_000 - 1_500_000 - 100)
        XCTAssertEqual(a?.reserved.rawValue, 0)
        let b = try await store.creditAccount(userID: bob)
        XCTAssertEqual(b?.balance.rawValue, 0)

        // A refused settlement (unknown user, empty id) fails alone; the rest of its batch is applied.
        let good = "batch-good-\(UUID())"
        let mixed = try await store.settleBatch([
            Settlement(usage: usage("batch-nobody-\(UUID())", .random(), credits: 1), charge: MicroCredits(rawValue: 1)),
            Settlement(usage: usage(good, alice, credits: 7), charge: MicroCredits(rawValue: 7)),
            Settlement(usage: usage("", alice, credits: 1), charge: MicroCredits(rawValue: 1)),
            Settlement(usage: usage(plain, alice, credits: 100), charge: MicroCredits(rawValue: 100)),
        ])
        guard case .failure(StoreError.userNotFound) = mixed[0] else { return XCTFail("\(mixed[0])") }
        XCTAssertEqual(try mixed[1].get().charged.rawValue, 7)
        guard case .failure(StoreError.invalidArgument) = mixed[2] else { return XCTFail("\(mixed[2])") }
        XCTAssertTrue(try mixed[3].get().replayed)
        let after = try await store.creditAccount(userID: alice)
        XCTAssertEqual(after?.balance.rawValue, 10_000_000 - 1_500_000 - 100 - 7)
        try await StoreConformance(stores: store.asStores(keyCacheTTL: nil)).assertLedgerMatches(alice)
        try await StoreConformance(stores: store.asStores(keyCacheTTL: nil)).assertLedgerMatches(bob)
    }

    func testArrayParametersRoundTripAnyText() async throws {
        let store = try await store(poolSize: 1)
        let values: [String?] = ["plain", "", nil, "NULL", #"{"pattern":"chat","q":"a\"b"}"#, #"back\slash"#,
                                 "comma, {brace} \"quote\"", "ünïcødé 🚀", "  spaced  ", "2026-03-01 01:00:00+00"]
        let back = try await store.pool.withConnection { conn in
            try conn.query("SELECT v FROM unnest($1::text[]) WITH ORDINALITY AS t(v, o) ORDER BY o",
                           [PostgresArrayLiteral(values)]).rows.map { $0.string(0) }
        }
        XCTAssertEqual(back, values)
        XCTAssertEqual(PostgresArrayLiteral(["a\"b", nil, "", #"c\d"#]).postgresText, #"{"a\"b",NULL,"","c\\d"}"#)
        XCTAssertEqual(PostgresArrayLiteral([]).postgresText, "{}")
        let json = try await store.pool.withConnection { conn in
            try conn.query("SELECT (($1::text[])[1])::jsonb ->> 'q'", [PostgresArrayLiteral([values[4]])]).row(0).string(0)
        }
        XCTAssertEqual(json, #"a"b"#)
    }

    /// While one batch is blocked (another session holds the user's balance row), the settlements that arrive
    /// wait and are then written together in one transaction.
    func testGroupCommitGathersSettlementsThatArriveWhileAWriteIsInFlight() async throws {
        let store = try await store(poolSize: 4)
        let blocker = try await self.store(poolSize: 1)
        let userID = try await user(store, credits: 100_000_000)
        let ledger = GroupCommitLedger(store: store, maxBatch: 64, maxInFlight: 1)
        try await blocker.pool.withConnection { conn in
            try conn.execute(script: "BEGIN")
            try conn.query("SELECT 1 FROM credit_balances WHERE user_id = $1 FOR UPDATE", [userID])
            return ()
        }
        let prefix = "gc-\(UUID())-"
        let settlements = (0..<50).map {
            Settlement(usage: usage(prefix + String($0), userID, credits: 1_000), charge: MicroCredits(rawValue: 1_000))
        }
        let results = try await withThrowingTaskGroup(of: SettlementOutcome.self) { group in
            for settlement in settlements {
                group.addTask { try await ledger.settle(settlement) }
            }
            // Every settlement is either in the blocked batch or waiting behind it before the lock goes away.
            while await ledger.waitingCount + ledger.inFlightSettlements < 50 { try await Task.sleep(for: .milliseconds(5)) }
            try await blocker.pool.withConnection { conn in try conn.execute(script: "COMMIT") }
            var all: [SettlementOutcome] = []
            for try await r in group { all.append(r) }
            return all
        }
        XCTAssertEqual(results.count, 50)
        XCTAssertTrue(results.allSatisfy { $0.charged.rawValue == 1_000 && !$0.replayed })
        let batches = await ledger.batchCount
        let carried = await ledger.batchedSettlements
        XCTAssertEqual(carried, 50)
        XCTAssertEqual(batches, 2, "the blocked batch, then one batch with everything that arrived meanwhile")
        let account = try await store.creditAccount(userID: userID)
        XCTAssertEqual(account?.balance.rawValue, 100_000_000 - 50 * 1_000)
        try await StoreConformance(stores: store.asStores(keyCacheTTL: nil)).assertLedgerMatches(userID)
    }

    /// `reserveBatch` gives each hold the outcome `reserve` would have: holds placed in order, the one the balance
    /// no longer covers refused, a repeated request id replayed, and an unknown user refused on its own without
    /// failing the others (the batch is rolled back and run one by one).
    func testReserveBatchHasTheSemanticsOfOneReserveEach() async throws {
        let store = try await store(poolSize: 2)
        let userID = try await user(store, credits: 1_000)
        let other = try await user(store, credits: 1_000)
        let p = "rb-\(UUID())-"
        func hold(_ id: String, _ user: UserID, _ amount: Int64) -> PostgresStore.ReserveRequest {
            .init(requestID: id.isEmpty ? "" : p + id, userID: user, amount: MicroCredits(rawValue: amount), ttl: .seconds(60))
        }
        let results = try await store.reserveBatch([
            hold("a", userID, 600), hold("b", userID, 600), hold("a", userID, 600), hold("c", other, 1_000), hold("", other, 1),
        ])
        guard case .success(.reserved(let a, replayed: false)) = results[0] else { return XCTFail("\(results[0])") }
        XCTAssertEqual(a.amount.rawValue, 600)
        guard case .success(.insufficient(let available, _)) = results[1] else { return XCTFail("\(results[1])") }
        XCTAssertEqual(available.rawValue, 400)
        guard case .success(.reserved(_, replayed: true)) = results[2] else { return XCTFail("\(results[2])") }
        guard case .success(.reserved(_, replayed: false)) = results[3] else { return XCTFail("\(results[3])") }
        guard case .failure(StoreError.invalidArgument) = results[4] else { return XCTFail("\(results[4])") }
        let mine = try await store.creditAccount(userID: userID)
        XCTAssertEqual(mine?.reserved.rawValue, 600)

        let stranger = UserID.random()
        let mixed = try await store.reserveBatch([hold("d", userID, 100), hold("e", stranger, 100)])
        guard case .success(.reserved(_, replayed: false)) = mixed[0] else { return XCTFail("\(mixed[0])") }
        guard case .failure(StoreError.userNotFound) = mixed[1] else { return XCTFail("\(mixed[1])") }
        let after = try await store.creditAccount(userID: userID)
        XCTAssertEqual(after?.reserved.rawValue, 700)
        try await StoreConformance(stores: store.asStores(keyCacheTTL: nil)).assertLedgerMatches(userID)
    }

    /// Holds that arrive while a hold is being written (blocked on the balance row here) are placed together.
    func testGroupCommitGathersHoldsThatArriveWhileAWriteIsInFlight() async throws {
        let store = try await store(poolSize: 4)
        let blocker = try await self.store(poolSize: 1)
        let userID = try await user(store, credits: 100_000)
        let ledger = GroupCommitLedger(store: store, maxBatch: 64, maxInFlight: 1)
        try await blocker.pool.withConnection { conn in
            try conn.execute(script: "BEGIN")
            try conn.query("SELECT 1 FROM credit_balances WHERE user_id = $1 FOR UPDATE", [userID])
            return ()
        }
        let prefix = "gh-\(UUID())-"
        let results = try await withThrowingTaskGroup(of: ReservationOutcome.self) { group in
            for i in 0..<30 {
                group.addTask {
                    try await ledger.reserve(requestID: prefix + String(i), userID: userID,
                                             amount: MicroCredits(rawValue: 1_000), ttl: .seconds(60))
                }
            }
            // One hold is blocked on the row lock (the only slot); the 29 others wait behind it.
            while await ledger.waitingHolds < 29 { try await Task.sleep(for: .milliseconds(5)) }
            try await blocker.pool.withConnection { conn in try conn.execute(script: "COMMIT") }
            var all: [ReservationOutcome] = []
            for try await r in group { all.append(r) }
            return all
        }
        XCTAssertEqual(results.count, 30)
        XCTAssertTrue(results.allSatisfy { if case .reserved(_, replayed: false) = $0 { true } else { false } })
        let batches = await ledger.holdBatchCount
        let carried = await ledger.batchedHolds
        XCTAssertEqual(carried, 29, "the blocked hold went straight to the store, the 29 others in batches")
        XCTAssertEqual(batches, 1, "everything that arrived meanwhile went in one batch")
        let account = try await store.creditAccount(userID: userID)
        XCTAssertEqual(account?.reserved.rawValue, 30 * 1_000)
        try await StoreConformance(stores: store.asStores(keyCacheTTL: nil)).assertLedgerMatches(userID)
    }

    /// A batch that cannot reach the database fails every caller with `StoreError.unavailable`, which the
    /// SettlementQueue above it treats as "queue and retry".
    func testGroupCommitReportsAnUnreachableDatabaseAsUnavailable() async throws {
        _ = try await store(poolSize: 1)   // skip without a database like the others
        let pool = PostgresPool(PostgresConfiguration(url: "postgresql://nobody@/nodb?host=/nonexistent-dir",
                                                      poolSize: 2, connectTimeoutSeconds: 1))
        pools.append(pool)
        let ledger = GroupCommitLedger(store: PostgresStore(pool: pool), maxInFlight: 1)
        let queue = SettlementQueue(ledger: ledger, retryBase: .seconds(3600))
        let user = UserID.random()
        let results = try await withThrowingTaskGroup(of: SettlementQueue.Submission.self) { group in
            for i in 0..<10 {
                let s = Settlement(usage: usage("gc-down-\(i)", user, credits: 1), charge: MicroCredits(rawValue: 1))
                group.addTask { try await queue.submit(s) }
            }
            var all: [SettlementQueue.Submission] = []
            for try await r in group { all.append(r) }
            return all
        }
        XCTAssertEqual(results, Array(repeating: .queued, count: 10))
        let pending = await queue.pendingCount
        XCTAssertEqual(pending, 10)
        do {
            _ = try await ledger.settle(Settlement(usage: usage("gc-down-x", user), charge: .zero))
            XCTFail("settled without a database")
        } catch StoreError.unavailable {}
    }

    // MARK: Partitions and maintenance

    func testUsagePartitionsAreCreatedAheadAndAdoptRowsFromTheDefault() async throws {
        let url = try await freshDatabase()
        let pool = PostgresPool(PostgresConfiguration(url: url, poolSize: 2))
        pools.append(pool)
        let store = PostgresStore(pool: pool)
        // migrate() made this month and the next ones.
        let partitions = try await pool.withConnection { conn in
            try conn.query("""
                SELECT count(*) FROM pg_inherits WHERE inhparent = 'usage_logs'::regclass
                AND inhrelid::regclass::text ~ '^usage_logs_[0-9]{4}_[0-9]{2}$'
                """).row(0).requiredInt(0)
        }
        XCTAssertGreaterThanOrEqual(partitions, 3)

        // A row far outside every partition lands in the default partition instead of failing the settlement.
        let userID = try await user(store, credits: 1_000)
        let future = Date(timeIntervalSince1970: 2_240_611_200 + 86_400 * 3)   // 2041-01-04
        let rid = "part-\(UUID())"
        _ = try await store.settle(Settlement(usage: usage(rid, userID, credits: 10, at: future),
                                              charge: MicroCredits(rawValue: 10)))
        let partitionOf: @Sendable () async throws -> String = {
            try await pool.withConnection { conn in
                try conn.query("SELECT tableoid::regclass::text FROM usage_logs WHERE request_id = $1", [rid])
                    .row(0).requiredString(0)
            }
        }
        var where_ = try await partitionOf()
        XCTAssertEqual(where_, "usage_logs_default")
        let created = try await pool.withConnection { conn in
            try conn.query("SELECT ensure_usage_partitions($1, 2)", [future]).row(0).requiredInt(0)
        }
        XCTAssertEqual(created, 2)
        where_ = try await partitionOf()
        XCTAssertEqual(where_, "usage_logs_2041_01", "the row moved into its month's new partition")
        let found = try await store.usage(requestID: rid)
        XCTAssertEqual(found?.credits.rawValue, 10)
        let again = try await pool.withConnection { conn in
            try conn.query("SELECT ensure_usage_partitions($1, 2)", [future]).row(0).requiredInt(0)
        }
        XCTAssertEqual(again, 0, "idempotent")
        // The usage indexes exist on the new partition too.
        let indexes = try await pool.withConnection { conn in
            try conn.query("SELECT count(*) FROM pg_indexes WHERE tablename = 'usage_logs_2041_01'").row(0).requiredInt(0)
        }
        XCTAssertEqual(indexes, 4)
    }

    func testLedgerMaintenanceSweepsDeadHoldsAndKeepsPartitionsAhead() async throws {
        let url = try await freshDatabase()
        let pool = PostgresPool(PostgresConfiguration(url: url, poolSize: 2))
        pools.append(pool)
        let store = PostgresStore(pool: pool)
        let userID = try await user(store, credits: 5_000_000)
        let dead = "maint-dead-\(UUID())", alive = "maint-alive-\(UUID())"
        _ = try await store.reserve(requestID: dead, userID: userID, amount: MicroCredits(rawValue: 2_000_000), ttl: .zero)
        _ = try await store.reserve(requestID: alive, userID: userID, amount: MicroCredits(rawValue: 1_000_000),
                                    ttl: .seconds(3600))
        // Drop next month's partition to see maintenance create it again.
        try await pool.withConnection { conn in
            let next = try conn.query("""
                SELECT 'usage_logs_' || to_char(date_trunc('month', now() AT TIME ZONE 'UTC') + interval '1 month', 'YYYY_MM')
                """).row(0).requiredString(0)
            try conn.execute(script: "DROP TABLE \(next)")
        }
        try await Task.sleep(for: .milliseconds(20))   // the dead hold's expiry (now + 0) is in the past
        let maintenance = LedgerMaintenance(ledger: store, pool: pool, sweepInterval: .seconds(3600))
        await maintenance.runOnce()
        let swept = await maintenance.sweptCount
        XCTAssertEqual(swept, 1)
        let deadState = try await store.reservation(requestID: dead)?.state
        XCTAssertEqual(deadState, .expired)
        let aliveState = try await store.reservation(requestID: alive)?.state
        XCTAssertEqual(aliveState, .held)
        let account = try await store.creditAccount(userID: userID)
        XCTAssertEqual(account?.reserved.rawValue, 1_000_000)
        XCTAssertEqual(account?.balance.rawValue, 5_000_000)
        let nextExists = try await pool.withConnection { conn in
            try conn.query("""
                SELECT to_regclass('usage_logs_' || to_char(date_trunc('month', now() AT TIME ZONE 'UTC')
                                   + interval '1 month', 'YYYY_MM')) IS NOT NULL
                """).row(0).requiredBool(0)
        }
        XCTAssertTrue(nextExists)
        let entries = try await store.ledgerEntries(userID: userID, limit: 10)
        XCTAssertEqual(entries.first?.kind, .release)
        XCTAssertEqual(entries.first?.note, "expired")
    }

    // MARK: Key cache against the database

    func testKeyRevokedInTheDatabaseStopsWorkingWithinTheCacheTTL() async throws {
        let store = try await store(poolSize: 2)
        let userID = try await user(store, credits: 0)
        let hash = String(repeating: "9", count: 32) + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        let key = try await store.createKey(NewAPIKey(userID: userID, keyHash: hash, keyPrefix: "lyr_live_9",
                                                      name: "k", mode: .live))
        let clock = ManualClock()
        let cached = CachedAPIKeyStore(wrapping: store, ttl: .seconds(5), clock: { clock.now })
        let first = try await cached.lookup(keyHash: hash)
        XCTAssertEqual(first?.status(), .active)
        // Revoked by another process, straight in SQL.
        try await store.pool.withConnection { conn in
            try conn.query("UPDATE api_keys SET is_active = false, revoked_at = now() WHERE id = $1", [key.id])
            return ()
        }
        clock.advance(4.9)
        let stale = try await cached.lookup(keyHash: hash)
        XCTAssertEqual(stale?.status(), .active, "inside the bound the cached record may still be served")
        clock.advance(0.2)
        let fresh = try await cached.lookup(keyHash: hash)
        XCTAssertEqual(fresh?.status(), .revoked, "after the bound the revocation is seen")
    }

    // MARK: layers-server migrate

    /// `layers-server migrate` on a fresh database applies every migration; run again it changes nothing.
    func testMigrateCommandIsIdempotent() async throws {
        // scripts/test.sh exports LAYERS_BIN_DIR; otherwise the binary sits next to the test bundle.
        let candidates = [ProcessInfo.processInfo.environment["LAYERS_BIN_DIR"], Bundle(for: Self.self).bundlePath,
                          Bundle(for: Self.self).bundleURL.deletingLastPathComponent().path,
                          Bundle.main.executableURL?.deletingLastPathComponent().path]
            .compactMap { $0 }.map { $0 + "/layers-server" }
        guard let binary = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("layers-server is not built (looked for \(candidates))")
        }
        guard let url = PostgresTestSupport.databaseURL else { throw XCTSkip("DATABASE_URL is not set") }
        let name = "layers_climig_\(UInt32.random(in: 0...UInt32.max))"
        let admin = PostgresPool(PostgresConfiguration(url: url, poolSize: 1))
        pools.append(admin)
        try await admin.withConnection { conn in try conn.execute(script: "CREATE DATABASE \(name)") }
        databases.append(name)
        let fresh = try MigrationTests.url(url, database: name)
        let first = try Self.runMigrate(binary, fresh)
        XCTAssertEqual(first.status, 0, first.output)
        for m in Migration.all { XCTAssertTrue(first.output.contains("applied migration \(m.version) "), first.output) }
        let second = try Self.runMigrate(binary, fresh)
        XCTAssertEqual(second.status, 0, second.output)
        XCTAssertTrue(second.output.contains("up to date"), second.output)
        XCTAssertFalse(second.output.contains("applied migration"), second.output)
        let pool = PostgresPool(PostgresConfiguration(url: fresh, poolSize: 1))
        pools.append(pool)
        let versions = try await Migrator(pool: pool).appliedVersions()
        XCTAssertEqual(versions, Migration.all.map(\.version))
    }

    private static func runMigrate(_ binary: String, _ url: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["migrate"]
        var env = ProcessInfo.processInfo.environment
        env["DATABASE_URL"] = url
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
