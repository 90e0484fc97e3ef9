import Foundation
import LayersCore
import LayersCredits
import LayersPostgres
import XCTest

extension StoreConformance {
    /// Key budgets: stored at creation, set and cleared (by the owner only, or by anyone without `userID`), read
    /// back through every lookup; and the month-spend query the budget tracker runs (credits charged to one key
    /// in one UTC month, test rows and other months and keys left out).
    func keyBudgets() async throws {
        let owner = try await newUser(credits: 100_000_000)
        let stranger = try await newUser()
        func hash() -> String { UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased() + "bb" }
        let budgeted = try await keys.createKey(NewAPIKey(
            userID: owner, keyHash: hash(), keyPrefix: "lyr_live_B", name: "budgeted", mode: .live,
            monthlyBudget: MicroCredits(decimalString: "12.5")))
        XCTAssertEqual(budgeted.monthlyBudget, Self.µ(12_500_000))
        let other = try await keys.createKey(NewAPIKey(userID: owner, keyHash: hash(), keyPrefix: "lyr_live_C",
                                                       name: "other", mode: .live))
        XCTAssertNil(other.monthlyBudget)
        let byHash = try await keys.lookup(keyHash: budgeted.keyHash)?.monthlyBudget
        XCTAssertEqual(byHash, Self.µ(12_500_000))

        let notMine = try await keys.setKeyBudget(id: budgeted.id, userID: stranger, monthlyBudget: .zero)
        XCTAssertNil(notMine, "another user's key is not found")
        let unchanged = try await keys.key(id: budgeted.id)?.monthlyBudget
        XCTAssertEqual(unchanged, Self.µ(12_500_000))
        let raised = try await keys.setKeyBudget(id: budgeted.id, userID: owner, monthlyBudget: Self.µ(20_000_001))
        XCTAssertEqual(raised?.monthlyBudget, Self.µ(20_000_001))
        let listed = try await keys.listKeys(userID: owner).first { $0.id == budgeted.id }?.monthlyBudget
        XCTAssertEqual(listed, Self.µ(20_000_001))
        let byAdmin = try await keys.setKeyBudget(id: other.id, userID: nil, monthlyBudget: .zero)
        XCTAssertEqual(byAdmin?.monthlyBudget, .zero, "a zero budget is a budget, not none")
        let cleared = try await keys.setKeyBudget(id: other.id, userID: nil, monthlyBudget: nil)
        XCTAssertNotNil(cleared)
        XCTAssertNil(cleared?.monthlyBudget)
        let unknown = try await keys.setKeyBudget(id: .random(), userID: nil, monthlyBudget: .zero)
        XCTAssertNil(unknown)

        // Month spend: a past month, so the rows are ours alone (2026-03 UTC), plus its neighbours.
        let month = BudgetMonth(year: 2026, month: 3)
        let inside = month.start.addingTimeInterval(3600)
        let rows = [
            row("kb1-\(UUID())", owner, credits: 1_500_000, key: budgeted.id, at: month.start),
            row("kb2-\(UUID())", owner, credits: 250_000, key: budgeted.id, at: inside),
            row("kb3-\(UUID())", owner, credits: 9_000_000, key: budgeted.id, isTest: true, at: inside),
            row("kb4-\(UUID())", owner, credits: 4_000_000, key: other.id, at: inside),
            row("kb5-\(UUID())", owner, credits: 7_000_000, key: budgeted.id, at: month.start.addingTimeInterval(-1)),
            row("kb6-\(UUID())", owner, credits: 8_000_000, key: budgeted.id, at: month.end),
        ]
        for r in rows {
            _ = try await ledger.settle(Settlement(usage: r, charge: r.isTest ? .zero : r.credits))
        }
        let spent = try await usage.usageTotals(UsageQuery(apiKeyID: budgeted.id, from: month.start, to: month.end))
        XCTAssertEqual(spent.creditsCharged, Self.µ(1_750_000))
        let byKey = try await usage.usageBreakdown(UsageQuery(userID: owner, from: month.start, to: month.end),
                                                   by: .apiKey)
        let grouped = Dictionary(uniqueKeysWithValues: byKey.map { ($0.key, $0.totals.creditsCharged) })
        XCTAssertEqual(grouped[budgeted.id.description], Self.µ(1_750_000))
        XCTAssertEqual(grouped[other.id.description], Self.µ(4_000_000))
    }
}

final class InMemoryKeyBudgetStoreTests: XCTestCase {
    func testKeyBudgets() async throws {
        try await StoreConformance(stores: InMemoryStore().asStores()).keyBudgets()
    }
}

final class PostgresKeyBudgetStoreTests: XCTestCase {
    private var store: PostgresStore?

    override func tearDown() async throws {
        store?.pool.shutdown()
        store = nil
    }

    func testKeyBudgets() async throws {
        let store = try await PostgresTestSupport.store()
        self.store = store
        try await StoreConformance(stores: store.asStores(keyCacheTTL: nil)).keyBudgets()
    }

    /// A budget set through the server's cached key store is what the next authentication sees, at once.
    func testBudgetChangeReachesCachedLookups() async throws {
        let store = try await PostgresTestSupport.store()
        self.store = store
        let stores = store.asStores(keyCacheTTL: .seconds(300))
        let user = try await stores.accounts.createUser(NewUser(tier: "free")).id
        let hash = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased() + "cc"
        let key = try await stores.keys.createKey(NewAPIKey(userID: user, keyHash: hash, keyPrefix: "lyr_live_D",
                                                            name: "cached", mode: .live))
        let before = try await stores.keys.lookup(keyHash: hash)
        XCTAssertNil(before?.monthlyBudget)
        _ = try await stores.keys.setKeyBudget(id: key.id, userID: user, monthlyBudget: MicroCredits(credits: 3))
        let after = try await stores.keys.lookup(keyHash: hash)?.monthlyBudget
        XCTAssertEqual(after, MicroCredits(credits: 3))
    }
}
