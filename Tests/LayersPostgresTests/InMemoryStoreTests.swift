import Foundation
import LayersCore
import LayersCredits
import XCTest

/// The store conformance suite against `InMemoryStore`.
final class InMemoryStoreTests: XCTestCase {
    private func suite() -> StoreConformance { StoreConformance(stores: InMemoryStore().asStores()) }

    func testUsersAndAccounts() async throws { try await suite().usersAndAccounts() }
    func testAddAndDeductCredits() async throws { try await suite().addAndDeductCredits() }
    func testAPIKeys() async throws { try await suite().apiKeys() }
    func testReserveSettleRelease() async throws { try await suite().reserveSettleRelease() }
    func testSettleOverrunPolicy() async throws { try await suite().settleOverrunPolicy() }
    func testSweeperReleasesExpiredHolds() async throws { try await suite().sweeperReleasesExpiredHolds() }
    func testRecordUsageWithoutCharge() async throws { try await suite().recordUsageWithoutCharge() }
    func testUsageQueries() async throws { try await suite().usageQueries() }
    func testConcurrentReserveSettle() async throws { try await suite().concurrentReserveSettle() }
}
