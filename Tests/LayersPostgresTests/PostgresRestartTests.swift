import Foundation
import LayersCore
import LayersCredits
import LayersPostgres
import XCTest

/// Restarts PostgreSQL in the middle of a reserve/settle load, once cleanly (`pg_ctl stop -m fast`) and once
/// like a kill -9 of the server (`-m immediate`, crash recovery on start): no settlement may be lost or doubled.
/// Runs on a cluster of its own (``PrivateCluster``), never on the shared one.
final class PostgresRestartTests: XCTestCase {
    func testRestartMidLoadLosesAndDoublesNothing() async throws {
        let cluster = try await PrivateCluster.start()
        addTeardownBlock { await cluster.destroy() }
        let store = try await cluster.migratedStore()
        defer { store.pool.shutdown() }

        let initial: Int64 = 1_000_000_000
        let user = try await store.createUser(NewUser())
        _ = try await store.addCredits(userID: user.id, amount: MicroCredits(rawValue: initial), externalRef: nil,
                                       note: nil)
        let journal = SettlementJournal(path: cluster.root + "/settlements.jsonl")
        let queue = SettlementQueue(ledger: store, journal: journal, retryBase: .milliseconds(50),
                                    retryMax: .milliseconds(500))
        let state = RestartLoad()
        let prefix = "restart-\(UUID())-"
        let userID = user.id

        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<16 {
                group.addTask {
                    var n = 0
                    while await !state.stop {
                        n += 1
                        let id = "\(prefix)\(worker)-\(n)"
                        let estimate: Int64 = 10_000
                        let held: Bool
                        do {
                            if case .reserved = try await store.reserve(
                                requestID: id, userID: userID, amount: MicroCredits(rawValue: estimate),
                                ttl: .seconds(600)) { held = true } else { held = false }
                        } catch {
                            held = false
                        }
                        guard held else {
                            await state.failed(id)
                            try await Task.sleep(for: .milliseconds(20))
                            continue
                        }
                        try await Task.sleep(for: .milliseconds(20))   // "the provider call"
                        let actual = estimate - Int64(n % 5) * 1_000
                        let settlement = Settlement(
                            usage: UsageRecord(requestID: id, userID: userID, provider: "openai", model: "openai/gpt-5",
                                               credits: MicroCredits(rawValue: actual)),
                            charge: MicroCredits(rawValue: actual))
                        _ = try await queue.submit(settlement)
                        await state.succeeded(id, actual)
                    }
                }
            }
            group.addTask {
                try await cluster.stopThenCrash(every: 150, label: "restart test", completed: { await state.completed },
                                                finish: { await state.finish() })
            }
            try await group.waitForAll()
        }

        let remaining = await queue.drain(timeout: .seconds(60))
        XCTAssertEqual(remaining, 0, "settlements still queued after the database came back")
        let charged = await state.charged
        let refused = await state.refused
        let retried = await queue.retriedCount
        print("restart test: \(charged.count) settled (\(retried) after queueing), \(refused.count) refused")
        XCTAssertGreaterThan(charged.count, 0)
        XCTAssertGreaterThan(retried, 0, "settlements of requests in flight during the outage were queued and retried")
        XCTAssertGreaterThan(refused.count, 0, "requests during the outage should have been refused")
        XCTAssertEqual(try journal.readAll().count, 0, "journal emptied once everything was settled")

        // A refused reservation may have committed before the connection dropped: release it, as the gateway does.
        for id in refused { _ = try await store.release(requestID: id) }

        let entries = try await store.ledgerEntries(userID: userID, limit: 1_000_000)
        var charges: [String: [Int64]] = [:]
        for e in entries where e.kind == .charge { charges[e.requestID ?? "", default: []].append(e.amount.rawValue) }
        for (id, amount) in charged {
            XCTAssertEqual(charges[id], [amount], "\(id) must be charged exactly once")
        }
        for id in refused { XCTAssertNil(charges[id], "\(id) was refused but charged") }
        XCTAssertEqual(charges.count, charged.count)
        let totals = try await store.usageTotals(UsageQuery(userID: userID, from: .distantPast, to: .distantFuture))
        XCTAssertEqual(totals.requests, Int64(charged.count), "one usage row per settled request")
        let account = try await store.creditAccount(userID: userID)
        XCTAssertEqual(account?.balance.rawValue, initial - charged.values.reduce(0, +))
        XCTAssertEqual(account?.reserved.rawValue, 0)
        try await StoreConformance(stores: store.asStores(keyCacheTTL: nil)).assertLedgerMatches(userID)
    }
}
