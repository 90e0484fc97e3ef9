import Foundation
import LayersCore
import LayersCredits
import LayersPostgres
import XCTest

/// Restarts PostgreSQL in the middle of a load on the leased ledger, once cleanly (`pg_ctl stop -m fast`) and once
/// like a kill -9 of the server (`-m immediate`): flushes cut off are retried with their flush id, so every request
/// answered is charged exactly once and has one usage row, and nothing stays leased after `close()`.
/// Runs on a cluster of its own (``PrivateCluster``), never on the shared one.
final class LeasedLedgerRestartTests: XCTestCase {
    func testRestartMidLoadLosesAndDoublesNothing() async throws {
        let cluster = try await PrivateCluster.start()
        addTeardownBlock { await cluster.destroy() }
        let store = try await cluster.migratedStore()
        defer { store.pool.shutdown() }

        let initial: Int64 = 1_000_000_000
        // Several users, each with a lease that has to grow during the run (estimate x 50 is 0.5 credit).
        var users: [UserID] = []
        for _ in 0..<4 {
            let user = try await store.createUser(NewUser())
            _ = try await store.addCredits(userID: user.id, amount: MicroCredits(rawValue: initial), externalRef: nil,
                                           note: nil)
            users.append(user.id)
        }
        let ledger = LeasedCreditLedger(store: store, holder: "restart-\(UUID())",
                                        policy: .init(flushInterval: .milliseconds(5)))
        let state = RestartLoad()
        let prefix = "lease-restart-\(UUID())-"
        let userList = users

        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<16 {
                group.addTask {
                    var n = 0
                    while await !state.stop {
                        n += 1
                        let id = "\(prefix)\(worker)-\(n)"
                        let user = userList[(worker + n) % userList.count]
                        let estimate: Int64 = 10_000
                        let held: Bool
                        do {
                            if case .reserved = try await ledger.reserve(
                                requestID: id, userID: user, amount: MicroCredits(rawValue: estimate),
                                ttl: .seconds(600)) { held = true } else { held = false }
                        } catch {
                            held = false   // the lease could not grow: the database is down
                        }
                        guard held else {
                            await state.failed(id)
                            try await Task.sleep(for: .milliseconds(20))
                            continue
                        }
                        try await Task.sleep(for: .milliseconds(20))   // "the provider call"
                        let actual = estimate - Int64(n % 5) * 1_000
                        let outcome = try await ledger.settle(Settlement(
                            usage: UsageRecord(requestID: id, userID: user, provider: "openai", model: "openai/gpt-5",
                                               credits: MicroCredits(rawValue: actual)),
                            charge: MicroCredits(rawValue: actual)))
                        XCTAssertEqual(outcome.charged.rawValue, actual)
                        await state.succeeded(id, actual)
                    }
                }
            }
            group.addTask {
                try await cluster.stopThenCrash(every: 300, label: "lease restart test", completed: { await state.completed },
                                                finish: { await state.finish() })
            }
            try await group.waitForAll()
        }
        await ledger.close()

        let charged = await state.charged
        print("lease restart test: \(charged.count) settled, \(await state.refused.count) refused, "
              + "\(ledger.flushCount) flushes")
        XCTAssertGreaterThan(charged.count, 600)
        XCTAssertEqual(ledger.pendingCount, 0)
        XCTAssertEqual(ledger.droppedCount, 0, "no flush was refused")
        for (id, amount) in charged {
            let row = try await store.usage(requestID: id)
            XCTAssertEqual(row?.creditsCharged.rawValue, amount, "\(id) charged once with its amount")
        }
        var total: Int64 = 0
        for user in userList {
            let mine = charged.filter { id, _ in
                let parts = id.dropFirst(prefix.count).split(separator: "-")
                return userList[(Int(parts[0])! + Int(parts[1])!) % userList.count] == user
            }
            let spent = mine.values.reduce(0, +)
            total += spent
            let totals = try await store.usageTotals(UsageQuery(userID: user, from: .distantPast, to: .distantFuture))
            XCTAssertEqual(totals.requests, Int64(mine.count), "one usage row per settled request")
            let stored = try await store.pool.withConnection { conn in
                let r = try conn.query("""
                    SELECT balance, reserved, (SELECT count(*) FROM credit_leases WHERE user_id = $1)::bigint,
                           (SELECT count(*) FROM credit_ledger_audit
                             WHERE user_id = $1 AND (balance <> ledger_balance OR reserved <> ledger_reserved))::bigint
                    FROM credit_balances WHERE user_id = $1
                    """, [user]).row(0)
                return (try r.requiredInt64(0), try r.requiredInt64(1), try r.requiredInt64(2), try r.requiredInt64(3))
            }
            XCTAssertEqual(stored.0, initial - spent, "balance = initial - what its requests were charged")
            XCTAssertEqual(stored.1, 0, "nothing held or leased after close")
            XCTAssertEqual(stored.2, 0, "every lease given back")
            XCTAssertEqual(stored.3, 0, "the ledger adds up")
        }
        XCTAssertEqual(total, charged.values.reduce(0, +))
    }
}
