import Foundation
import LayersCore
import LayersCredits
import LayersPostgres
import XCTest

/// A ledger that is "down" while `outage` is set: every call fails with `StoreError.unavailable`.
final class FlakyLedger: CreditLedger, @unchecked Sendable {
    // Safe: `down` and `attempts` are only touched under `lock`.
    let base: InMemoryStore
    private let lock = NSLock()
    private var down = false
    private var attempts = 0

    init(base: InMemoryStore) { self.base = base }

    var outage: Bool {
        get { lock.withLock { down } }
        set { lock.withLock { down = newValue } }
    }
    var settleAttempts: Int { lock.withLock { attempts } }

    private func check() throws {
        if outage { throw StoreError.unavailable("database down (test)") }
    }

    func reserve(requestID: String, userID: UserID, amount: MicroCredits, ttl: Duration) async throws
        -> ReservationOutcome
    {
        try check()
        return try await base.reserve(requestID: requestID, userID: userID, amount: amount, ttl: ttl)
    }

    func settle(_ settlement: Settlement) async throws -> SettlementOutcome {
        lock.withLock { attempts += 1 }
        try check()
        return try await base.settle(settlement)
    }

    func release(requestID: String) async throws -> Bool {
        try check()
        return try await base.release(requestID: requestID)
    }

    func sweepExpiredReservations(now: Date) async throws -> Int {
        try check()
        return try await base.sweepExpiredReservations(now: now)
    }

    func reservation(requestID: String) async throws -> Reservation? { try await base.reservation(requestID: requestID) }

    func ledgerEntries(userID: UserID, limit: Int) async throws -> [LedgerEntry] {
        try await base.ledgerEntries(userID: userID, limit: limit)
    }
}

final class SettlementQueueTests: XCTestCase {
    private func setUp(credits: Int64 = 10_000_000) async throws -> (FlakyLedger, UserID) {
        let store = InMemoryStore()
        let user = try await store.createUser(NewUser())
        _ = try await store.addCredits(userID: user.id, amount: MicroCredits(rawValue: credits), externalRef: nil,
                                       note: nil)
        return (FlakyLedger(base: store), user.id)
    }

    private func settlement(_ id: String, _ user: UserID, _ amount: Int64) -> Settlement {
        Settlement(usage: UsageRecord(requestID: id, userID: user, provider: "openai", model: "openai/gpt-5",
                                      credits: MicroCredits(rawValue: amount)),
                   charge: MicroCredits(rawValue: amount))
    }

    func testSettlesImmediatelyWhenTheDatabaseIsUp() async throws {
        let (ledger, user) = try await setUp()
        let queue = SettlementQueue(ledger: ledger)
        let result = try await queue.submit(settlement("r1", user, 1_000))
        guard case .settled(let outcome) = result else { return XCTFail("queued while up") }
        XCTAssertEqual(outcome.charged.rawValue, 1_000)
        let pending = await queue.pendingCount
        XCTAssertEqual(pending, 0)
    }

    func testQueuesDuringAnOutageAndRetriesExactlyOnce() async throws {
        let (ledger, user) = try await setUp()
        let queue = SettlementQueue(ledger: ledger, retryBase: .milliseconds(5), retryMax: .milliseconds(20))
        ledger.outage = true
        for i in 0..<50 {
            let result = try await queue.submit(settlement("r\(i)", user, 1_000))
            XCTAssertEqual(result, .queued)
        }
        // Submitting the same request again while queued does not duplicate it.
        _ = try await queue.submit(settlement("r0", user, 1_000))
        var pending = await queue.pendingCount
        XCTAssertEqual(pending, 50)
        ledger.outage = false
        let remaining = await queue.drain(timeout: .seconds(30))
        XCTAssertEqual(remaining, 0)
        pending = await queue.pendingCount
        XCTAssertEqual(pending, 0)
        let account = try await ledger.base.creditAccount(userID: user)
        XCTAssertEqual(account?.balance.rawValue, 10_000_000 - 50 * 1_000, "each settlement charged exactly once")
        let rows = try await ledger.base.usageTotals(UsageQuery(userID: user, from: .distantPast, to: .distantFuture))
        XCTAssertEqual(rows.requests, 50)
    }

    func testCapacityBoundsMemory() async throws {
        let (ledger, user) = try await setUp()
        let queue = SettlementQueue(ledger: ledger, capacity: 3, retryBase: .seconds(60))
        ledger.outage = true
        for i in 0..<3 { _ = try await queue.submit(settlement("c\(i)", user, 1)) }
        do {
            _ = try await queue.submit(settlement("c3", user, 1))
            XCTFail("queue grew past its capacity")
        } catch SettlementQueue.QueueError.full {}
    }

    func testPermanentErrorsAreThrownNotQueued() async throws {
        let (ledger, _) = try await setUp()
        let queue = SettlementQueue(ledger: ledger)
        do {
            _ = try await queue.submit(settlement("p1", .random(), 1))
            XCTFail("unknown user accepted")
        } catch StoreError.userNotFound {}
        let pending = await queue.pendingCount
        XCTAssertEqual(pending, 0)
    }

    /// A process killed during an outage leaves its queued settlements in the journal; the next process
    /// replays them, and replaying one that had already reached the database charges nothing more.
    func testJournalSurvivesACrash() async throws {
        let (ledger, user) = try await setUp()
        let path = NSTemporaryDirectory() + "layers-journal-\(UUID()).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let crashed = SettlementQueue(ledger: ledger, journal: SettlementJournal(path: path),
                                          retryBase: .seconds(3600))
            ledger.outage = true
            for i in 0..<5 { _ = try await crashed.submit(settlement("j\(i)", user, 100)) }
            // "kill -9": the actor is abandoned without drain.
        }
        ledger.outage = false
        _ = try await ledger.settle(settlement("j0", user, 100))   // j0 had reached the DB after all
        let restarted = SettlementQueue(ledger: ledger, journal: SettlementJournal(path: path),
                                        retryBase: .milliseconds(5))
        let recovered = try await restarted.recoverJournal()
        XCTAssertEqual(recovered, 5)
        let remaining = await restarted.drain(timeout: .seconds(30))
        XCTAssertEqual(remaining, 0)
        let account = try await ledger.base.creditAccount(userID: user)
        XCTAssertEqual(account?.balance.rawValue, 10_000_000 - 5 * 100)
        XCTAssertEqual(try SettlementJournal(path: path).readAll().count, 0, "journal cleared once drained")
    }
}
