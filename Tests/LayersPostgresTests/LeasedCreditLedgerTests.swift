import Foundation
import LayersCore
import LayersCredits
import LayersPostgres
import XCTest

/// What is particular to `LeasedCreditLedger` (the conformance suite covers the `CreditLedger` semantics):
/// leases in PostgreSQL, several processes on one balance, flush idempotency, idle return, dead holders, shutdown.
final class LeasedCreditLedgerTests: XCTestCase {
    private var store: PostgresStore?

    override func tearDown() async throws {
        store?.pool.shutdown()
        store = nil
    }

    private func makeStore() async throws -> PostgresStore {
        let store = try await PostgresTestSupport.store(poolSize: 8)
        self.store = store
        return store
    }

    private static func µ(_ raw: Int64) -> MicroCredits { MicroCredits(rawValue: raw) }

    private func newUser(_ store: PostgresStore, credits: Int64) async throws -> UserID {
        let user = try await store.createUser(NewUser(tier: "free"))
        if credits > 0 {
            _ = try await store.addCredits(userID: user.id, amount: Self.µ(credits), externalRef: nil, note: "seed")
        }
        return user.id
    }

    private static func row(_ requestID: String, _ user: UserID, credits: Int64) -> UsageRecord {
        UsageRecord(requestID: requestID, userID: user, provider: "openai", model: "openai/gpt-4o",
                    promptTokens: 10, completionTokens: 5, credits: Self.µ(credits), marginBps: 6000,
                    latencyMs: 3, status: 200, createdAt: Date())
    }

    /// (balance, reserved including leases, sum of leases) as stored.
    private func stored(_ store: PostgresStore, _ user: UserID) async throws -> (Int64, Int64, Int64) {
        try await store.pool.withConnection { conn in
            let r = try conn.query("""
                SELECT balance, reserved, COALESCE((SELECT sum(amount) FROM credit_leases WHERE user_id = $1), 0)::bigint
                FROM credit_balances WHERE user_id = $1
                """, [user]).row(0)
            return (try r.requiredInt64(0), try r.requiredInt64(1), try r.requiredInt64(2))
        }
    }

    private func assertAuditMatches(_ store: PostgresStore, _ user: UserID, file: StaticString = #filePath,
                                    line: UInt = #line) async throws {
        let mismatch = try await store.pool.withConnection { conn in
            try conn.query("""
                SELECT count(*) FROM credit_ledger_audit
                WHERE user_id = $1 AND (balance <> ledger_balance OR reserved <> ledger_reserved)
                """, [user]).row(0).requiredInt64(0)
        }
        XCTAssertEqual(mismatch, 0, "ledger entries add up to the stored balance and reserved", file: file, line: line)
    }

    func testTwoProcessesShareOneBalanceWithoutOverspending() async throws {
        let store = try await makeStore()
        let user = try await newUser(store, credits: 5_000_000)   // 5 credits
        let a = LeasedCreditLedger(store: store, holder: "test-a-\(UUID())", policy: .init(flushInterval: .milliseconds(1)))
        let b = LeasedCreditLedger(store: store, holder: "test-b-\(UUID())", policy: .init(flushInterval: .milliseconds(1)))
        // 2 x 40 requests of 0.1 credit each (8 credits asked for, 5 available), estimate 0.1, through both.
        let results = try await withThrowingTaskGroup(of: (Int64, Bool).self) { group in
            for i in 0..<80 {
                let ledger = i % 2 == 0 ? a : b
                group.addTask {
                    let rid = "two-\(UUID())"
                    guard case .reserved = try await ledger.reserve(requestID: rid, userID: user,
                                                                   amount: Self.µ(100_000), ttl: .seconds(60))
                    else { return (0, i % 2 == 0) }
                    let outcome = try await ledger.settle(Settlement(usage: Self.row(rid, user, credits: 100_000),
                                                                     charge: Self.µ(100_000)))
                    XCTAssertEqual(outcome.uncollected, .zero, "within its hold: collected in full")
                    return (outcome.charged.rawValue, i % 2 == 0)
                }
            }
            var all: [(Int64, Bool)] = []
            for try await r in group { all.append(r) }
            return all
        }
        let charged = results.reduce(Int64(0)) { $0 + $1.0 }
        XCTAssertLessThanOrEqual(charged, 5_000_000, "never more than the balance")
        XCTAssertGreaterThan(results.filter { $0.1 && $0.0 > 0 }.count, 0, "process A served requests")
        XCTAssertGreaterThan(results.filter { !$0.1 && $0.0 > 0 }.count, 0, "process B served requests too")
        await a.close()
        await b.close()
        let (balance, reserved, leases) = try await stored(store, user)
        XCTAssertEqual(balance, 5_000_000 - charged)
        XCTAssertEqual(reserved, 0, "both processes gave their leases back")
        XCTAssertEqual(leases, 0)
        let totals = try await store.usageTotals(UsageQuery(userID: user, from: .distantPast, to: .distantFuture))
        XCTAssertEqual(totals.requests, charged / 100_000, "one usage row per served request")
        XCTAssertEqual(totals.creditsCharged, Self.µ(charged))
        try await assertAuditMatches(store, user)
    }

    func testRefusalReportsWhatTheLeaseAndTheDatabaseStillHave() async throws {
        let store = try await makeStore()
        let user = try await newUser(store, credits: 1_000_000)
        let ledger = LeasedCreditLedger(store: store, holder: "test-\(UUID())")
        guard case .reserved = try await ledger.reserve(requestID: "r1-\(UUID())", userID: user,
                                                        amount: Self.µ(600_000), ttl: .seconds(60))
        else { return XCTFail("first hold refused") }
        // The lease took what the hold needed (half the free balance would have been less), leaving 0.4 free.
        let (_, reserved, leases) = try await stored(store, user)
        XCTAssertEqual(reserved, 600_000)
        XCTAssertEqual(leases, 600_000)
        let second = try await ledger.reserve(requestID: "r2-\(UUID())", userID: user, amount: Self.µ(600_000),
                                              ttl: .seconds(60))
        XCTAssertEqual(second, .insufficient(available: Self.µ(400_000), required: Self.µ(600_000)))
        guard case .reserved = try await ledger.reserve(requestID: "r3-\(UUID())", userID: user,
                                                        amount: Self.µ(400_000), ttl: .seconds(60))
        else { return XCTFail("a hold the free balance covers was refused") }
        await ledger.close()
        let (_, reservedAfter, _) = try await stored(store, user)
        XCTAssertEqual(reservedAfter, 1_000_000, "open holds keep their part of the lease at close")
        try await assertAuditMatches(store, user)
    }

    func testAFlushAppliesOnceWhateverTheRetries() async throws {
        let store = try await makeStore()
        let user = try await newUser(store, credits: 1_000_000)
        let holder = "test-\(UUID())"
        let grant = try await store.acquireLease(holder: holder, userID: user, need: Self.µ(300_000),
                                                 want: Self.µ(300_000), ttl: .seconds(60))
        XCTAssertEqual(grant.granted, Self.µ(300_000))
        var usage = Self.row("flush-\(UUID())", user, credits: 200_000)
        usage.creditsCharged = Self.µ(200_000)
        let settlement = LeasedSettlement(usage: usage, uncollected: .zero, released: Self.µ(250_000))
        let id = UUID()
        let charge = LeaseCharge(userID: user, amount: Self.µ(200_000), requests: 1)
        let first = try await store.applyLeaseFlush(id: id, holder: holder, ttl: .seconds(60), charges: [charge],
                                                    settlements: [settlement])
        XCTAssertEqual(first.first?.charged, Self.µ(200_000))
        XCTAssertEqual(first.first?.fromLease, Self.µ(200_000))
        XCTAssertEqual(first.first?.lease, Self.µ(100_000))
        XCTAssertEqual(first.first?.replayed, false)
        let again = try await store.applyLeaseFlush(id: id, holder: holder, ttl: .seconds(60), charges: [charge],
                                                    settlements: [settlement])
        XCTAssertEqual(again.first?.replayed, true)
        let (balance, reserved, leases) = try await stored(store, user)
        XCTAssertEqual(balance, 800_000, "charged once")
        XCTAssertEqual(reserved, 100_000)
        XCTAssertEqual(leases, 100_000)
        let stored = try await store.usage(requestID: usage.requestID)
        XCTAssertEqual(stored?.creditsCharged, Self.µ(200_000))
        let totals = try await store.usageTotals(UsageQuery(userID: user, from: .distantPast, to: .distantFuture))
        XCTAssertEqual(totals.requests, 1, "one usage row")
        try await assertAuditMatches(store, user)
    }

    func testALeaseThatExpiredIsMadeUpFromTheFreeBalanceAndCapped() async throws {
        let store = try await makeStore()
        let user = try await newUser(store, credits: 500_000)
        let holder = "test-\(UUID())"
        _ = try await store.acquireLease(holder: holder, userID: user, need: Self.µ(400_000), want: Self.µ(400_000),
                                         ttl: .zero)
        let swept = try await store.sweepExpiredLeases(now: Date().addingTimeInterval(1))
        XCTAssertGreaterThanOrEqual(swept, 1)
        var (_, reserved, leases) = try await stored(store, user)
        XCTAssertEqual(reserved, 0, "a dead holder's lease goes back")
        XCTAssertEqual(leases, 0)
        // The holder comes back with 0.7 credit of settlements: 0.5 can be collected, 0.2 cannot.
        var usage = Self.row("late-\(UUID())", user, credits: 700_000)
        usage.creditsCharged = Self.µ(700_000)
        let result = try await store.applyLeaseFlush(
            id: UUID(), holder: holder, ttl: .seconds(60), charges: [LeaseCharge(userID: user, amount: Self.µ(700_000),
                                                                                requests: 1)],
            settlements: [LeasedSettlement(usage: usage, uncollected: .zero, released: .zero)])
        XCTAssertEqual(result.first?.charged, Self.µ(500_000))
        XCTAssertEqual(result.first?.fromLease, .zero)
        XCTAssertEqual(result.first?.shortfall, Self.µ(200_000))
        let balance: Int64
        (balance, reserved, leases) = try await stored(store, user)
        XCTAssertEqual(balance, 0, "never below zero")
        XCTAssertEqual(reserved, 0)
        try await assertAuditMatches(store, user)
    }

    func testIdleLeasesGoBackAndActiveOnesAreRenewed() async throws {
        let store = try await makeStore()
        let idleUser = try await newUser(store, credits: 2_000_000)
        let busyUser = try await newUser(store, credits: 2_000_000)
        let ledger = LeasedCreditLedger(store: store, holder: "test-\(UUID())",
                                        policy: .init(idleReturn: .zero, flushInterval: .milliseconds(1)))
        let done = "idle-\(UUID())"
        _ = try await ledger.reserve(requestID: done, userID: idleUser, amount: Self.µ(10_000), ttl: .seconds(60))
        _ = try await ledger.settle(Settlement(usage: Self.row(done, idleUser, credits: 7_000), charge: Self.µ(7_000)))
        _ = try await ledger.reserve(requestID: "busy-\(UUID())", userID: busyUser, amount: Self.µ(10_000),
                                     ttl: .seconds(600))
        await ledger.synchronize()
        _ = try await ledger.sweepExpiredReservations(now: Date())
        let idle = try await stored(store, idleUser)
        XCTAssertEqual(idle.0, 1_993_000)
        XCTAssertEqual(idle.1, 0, "the idle user's lease went back")
        XCTAssertEqual(idle.2, 0)
        let busy = try await stored(store, busyUser)
        XCTAssertEqual(busy.2, 500_000, "a user with a hold keeps the lease (10,000 x 50)")
        XCTAssertEqual(ledger.holdsOutsideStore(userID: busyUser), Self.µ(10_000))
        try await assertAuditMatches(store, idleUser)
        try await assertAuditMatches(store, busyUser)
    }

    func testCloseWritesPendingSettlementsAndGivesLeasesBack() async throws {
        let store = try await makeStore()
        let user = try await newUser(store, credits: 3_000_000)
        // A flush interval far longer than the test: only close() can write the settlement.
        let ledger = LeasedCreditLedger(store: store, holder: "test-\(UUID())",
                                        policy: .init(flushInterval: .seconds(3600)))
        let rid = "close-\(UUID())"
        _ = try await ledger.reserve(requestID: rid, userID: user, amount: Self.µ(20_000), ttl: .seconds(60))
        let outcome = try await ledger.settle(Settlement(usage: Self.row(rid, user, credits: 12_345), charge: Self.µ(12_345)))
        XCTAssertEqual(outcome.balanceAfter, Self.µ(2_987_655))
        XCTAssertEqual(ledger.pendingCount, 1)
        await ledger.close()
        XCTAssertEqual(ledger.pendingCount, 0)
        let (balance, reserved, leases) = try await stored(store, user)
        XCTAssertEqual(balance, 2_987_655)
        XCTAssertEqual(reserved, 0)
        XCTAssertEqual(leases, 0)
        let row = try await store.usage(requestID: rid)
        XCTAssertEqual(row?.creditsCharged, Self.µ(12_345))
        try await assertAuditMatches(store, user)
    }
}
