import Foundation
import LayersCore
import LayersPostgres
import XCTest

/// The store conformance suite against PostgreSQL: every procedure, idempotent retries, the sweeper,
/// and 200 concurrent reserve/settle pairs.
final class PostgresStoreTests: XCTestCase {
    private var store: PostgresStore?

    override func tearDown() async throws {
        store?.pool.shutdown()
        store = nil
    }

    private func suite() async throws -> StoreConformance {
        let store = try await PostgresTestSupport.store(poolSize: 16)
        self.store = store
        return StoreConformance(stores: store.asStores(keyCacheTTL: nil))
    }

    func testUsersAndAccounts() async throws { try await suite().usersAndAccounts() }
    func testAddAndDeductCredits() async throws { try await suite().addAndDeductCredits() }
    func testAPIKeys() async throws { try await suite().apiKeys() }
    func testReserveSettleRelease() async throws { try await suite().reserveSettleRelease() }
    func testSettleOverrunPolicy() async throws { try await suite().settleOverrunPolicy() }
    func testSweeperReleasesExpiredHolds() async throws { try await suite().sweeperReleasesExpiredHolds() }
    func testRecordUsageWithoutCharge() async throws { try await suite().recordUsageWithoutCharge() }
    func testUsageQueries() async throws { try await suite().usageQueries() }
    func testConcurrentReserveSettle() async throws { try await suite().concurrentReserveSettle(pairs: 200) }

    func testLedgerMatchesBalancesEverywhere() async throws {
        let store = try await PostgresTestSupport.store(poolSize: 1)
        self.store = store
        let mismatches = try await store.pool.withConnection { conn in
            try conn.query("""
                SELECT count(*) FROM credit_ledger_audit WHERE balance <> ledger_balance OR reserved <> ledger_reserved
                """).row(0).requiredInt64(0)
        }
        XCTAssertEqual(mismatches, 0)
    }

    func testLedgerIsAppendOnly() async throws {
        let store = try await PostgresTestSupport.store(poolSize: 1)
        self.store = store
        let user = try await store.createUser(NewUser())
        _ = try await store.addCredits(userID: user.id, amount: .init(rawValue: 5), externalRef: nil, note: nil)
        do {
            try await store.pool.withConnection { conn in
                try conn.query("UPDATE credit_ledger SET amount = 0 WHERE user_id = $1", [user.id])
                return ()
            }
            XCTFail("ledger row updated")
        } catch let error as PostgresError {
            XCTAssertEqual(error.sqlState, "LY403")
        }
    }
}

/// The ledgers the server can run on PostgreSQL besides the store itself, for the ledger part of the suite.
enum LedgerVariant {
    /// Settlements group-committed (`GroupCommitLedger`).
    case groupCommit
    /// Holds and settlements in memory against credit leases (`LeasedCreditLedger`, the server's default).
    case leased

    /// A conformance suite over a fresh store (returned too, to shut its pool down).
    func suite() async throws -> (StoreConformance, PostgresStore) {
        let store = try await PostgresTestSupport.store(poolSize: 16)
        switch self {
        case .groupCommit:
            let stores = store.asStores(keyCacheTTL: nil, groupCommit: true)
            XCTAssertTrue(stores.ledger is GroupCommitLedger)
            return (StoreConformance(stores: stores), store)
        case .leased:
            var stores = store.asStores(keyCacheTTL: nil)
            stores.ledger = LeasedCreditLedger(store: store, policy: .init(flushInterval: .milliseconds(2)))
            // The audit compares the ledger with the stored `reserved`, leases included.
            return (StoreConformance(stores: stores, storedReserved: { user in
                try await store.pool.withConnection { conn in
                    try conn.query("SELECT reserved FROM credit_balances WHERE user_id = $1", [user]).row(0)
                        .requiredInt64(0)
                }
            }), store)
        }
    }
}

/// The ledger part of the conformance suite with settlements group-committed.
final class PostgresGroupCommitStoreTests: XCTestCase {
    private var store: PostgresStore?

    override func tearDown() async throws {
        store?.pool.shutdown()
    }

    private func suite() async throws -> StoreConformance {
        let (suite, store) = try await LedgerVariant.groupCommit.suite()
        self.store = store
        return suite
    }

    func testReserveSettleRelease() async throws { try await suite().reserveSettleRelease() }
    func testSettleOverrunPolicy() async throws { try await suite().settleOverrunPolicy() }
    func testSweeperReleasesExpiredHolds() async throws { try await suite().sweeperReleasesExpiredHolds() }
    func testUsageQueries() async throws { try await suite().usageQueries() }
    func testConcurrentReserveSettle() async throws { try await suite().concurrentReserveSettle(pairs: 200) }
}

/// The ledger part of the conformance suite on credit leases.
final class PostgresLeasedLedgerStoreTests: XCTestCase {
    private var store: PostgresStore?

    override func tearDown() async throws {
        store?.pool.shutdown()
    }

    private func suite() async throws -> StoreConformance {
        let (suite, store) = try await LedgerVariant.leased.suite()
        self.store = store
        return suite
    }

    func testReserveSettleRelease() async throws { try await suite().reserveSettleRelease() }
    func testSettleOverrunPolicy() async throws { try await suite().settleOverrunPolicy() }
    func testSweeperReleasesExpiredHolds() async throws { try await suite().sweeperReleasesExpiredHolds() }
    func testUsageQueries() async throws { try await suite().usageQueries() }
    func testConcurrentReserveSettle() async throws { try await suite().concurrentReserveSettle(pairs: 200) }
}
