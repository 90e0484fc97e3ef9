import Foundation
import LayersCore
import LayersCredits
import XCTest
@testable import LayersServer

final class BillingTests: XCTestCase {
    func record(_ user: UserID, _ rid: String, credits: String) -> UsageRecord {
        UsageRecord(requestID: rid, userID: user, provider: "openai", model: "openai/gpt-4o",
                    credits: MicroCredits(decimalString: credits)!)
    }

    func testSettleOrFailHappensExactlyOnce() async throws {
        let store = InMemoryStore()
        let stores = store.asStores()
        let user = try await stores.accounts.createUser(NewUser()).id
        _ = try await stores.accounts.addCredits(userID: user, amount: MicroCredits(credits: 10), externalRef: nil, note: nil)
        _ = try await stores.ledger.reserve(requestID: "r1", userID: user, amount: MicroCredits(credits: 2), ttl: .seconds(60))
        let handle = ReservationHandle(requestID: "r1", userID: user, isTest: false, reserved: MicroCredits(credits: 2),
                                       ledger: stores.ledger, usage: stores.usage)
        let first = await handle.settleCharge(record(user, "r1", credits: "1.5"))
        let second = await handle.settleCharge(record(user, "r1", credits: "1.5"))
        await handle.fail(record(user, "r1", credits: "0"))
        XCTAssertEqual(first, MicroCredits(decimalString: "1.5"))
        XCTAssertNil(second)
        let account = try await stores.accounts.creditAccount(userID: user)!
        XCTAssertEqual(account.balance, MicroCredits(decimalString: "8.5"))
        XCTAssertEqual(account.reserved, .zero)
    }

    func testTestKeysAreNeverCharged() async throws {
        let stores = InMemoryStore().asStores()
        let user = try await stores.accounts.createUser(NewUser()).id
        _ = try await stores.accounts.addCredits(userID: user, amount: MicroCredits(credits: 10), externalRef: nil, note: nil)
        let handle = ReservationHandle(requestID: "t1", userID: user, isTest: true, reserved: .zero,
                                       ledger: stores.ledger, usage: stores.usage)
        let charged = await handle.settleCharge(record(user, "t1", credits: "3"))
        XCTAssertEqual(charged, .zero)
        let balance = try await stores.accounts.creditAccount(userID: user)!.balance
        XCTAssertEqual(balance, MicroCredits(credits: 10))
        let logged = try await stores.usage.usage(requestID: "t1")?.credits
        XCTAssertEqual(logged, MicroCredits(credits: 3))
    }

    func testSchedulerDrainsPerUserAndAll() async throws {
        let scheduler = SettlementScheduler(mode: .background)
        let a = UserID.random(), b = UserID.random()
        let done = ChargeBox(.zero)
        await scheduler.schedule(userID: a) {
            try? await Task.sleep(for: .milliseconds(20))
            done.set(MicroCredits(credits: 1))
        }
        await scheduler.schedule(userID: b) { try? await Task.sleep(for: .milliseconds(5)) }
        await scheduler.drain(userID: a)
        XCTAssertEqual(done.get(), MicroCredits(credits: 1))
        await scheduler.drainAll()
        XCTAssertEqual(scheduler.pendingCount, 0)
    }
}
