import Foundation
import LayersCore
import LayersCredits
import XCTest

/// Behaviour every `LayersStores` implementation must show. Run against the in-memory store and against
/// PostgreSQL, so both are held to the same semantics.
struct StoreConformance {
    let stores: LayersStores
    /// The store's own `reserved` (holds and leases), when it differs from the balance shown to users (a leased
    /// ledger's leases are counted there but shown as available).
    var storedReserved: (@Sendable (UserID) async throws -> Int64)?

    init(stores: LayersStores, storedReserved: (@Sendable (UserID) async throws -> Int64)? = nil) {
        self.stores = stores
        self.storedReserved = storedReserved
    }

    var keys: any APIKeyStore { stores.keys }
    var accounts: any AccountStore { stores.accounts }
    var ledger: any CreditLedger { stores.ledger }
    /// Usage reads see every settlement accepted so far, as the server's usage endpoints do.
    var usage: any UsageStore { SynchronizedUsage(base: stores.usage, ledger: stores.ledger) }

    static func µ(_ raw: Int64) -> MicroCredits { MicroCredits(rawValue: raw) }

    func newUser(credits: Int64 = 0, email: String? = nil) async throws -> UserID {
        let user = try await accounts.createUser(NewUser(email: email, tier: "free"))
        if credits > 0 {
            _ = try await accounts.addCredits(userID: user.id, amount: Self.µ(credits), externalRef: nil, note: "seed")
        }
        return user.id
    }

    func row(_ requestID: String, _ user: UserID, credits: Int64 = 0, model: String = "openai/gpt-5",
             provider: String = "openai", key: APIKeyID? = nil, project: String? = nil, status: Int = 200,
             isTest: Bool = false, at date: Date = Date()) -> UsageRecord {
        UsageRecord(requestID: requestID, userID: user, apiKeyID: key, project: project,
                    metadataJSON: #"{"pattern":"chat"}"#, provider: provider, model: model, promptTokens: 2000,
                    cachedTokens: 100, cacheWriteTokens: 10, completionTokens: 1000, reasoningTokens: 50,
                    baseCost: Picodollars(rawValue: credits * 10_000 * 10 / 16), credits: Self.µ(credits),
                    marginBps: 6000, latencyMs: 120, ttftMs: 40, status: status,
                    errorCode: status == 200 ? nil : "upstream_error", isTest: isTest, isStream: true,
                    createdAt: date)
    }

    /// The balance as `/api/balance` shows it: after the ledger's pending writes, with the holds it keeps in memory.
    func balance(_ user: UserID) async throws -> CreditAccount {
        await ledger.synchronize()
        guard var account = try await accounts.creditAccount(userID: user) else {
            throw StoreError.userNotFound(user)
        }
        account.reserved = account.reserved + ledger.holdsOutsideStore(userID: user)
        return account
    }

    /// sum(add) - sum(deduct) - sum(charge) over the ledger equals the balance; holds likewise.
    func assertLedgerMatches(_ user: UserID, file: StaticString = #filePath, line: UInt = #line) async throws {
        let entries = try await ledger.ledgerEntries(userID: user, limit: 100_000)
        let account = try await balance(user)
        let sum = entries.reduce(Int64(0)) { $0 + $1.balanceDelta.rawValue }
        let held = entries.reduce(Int64(0)) {
            $0 + ($1.kind == .reserve ? $1.amount.rawValue : $1.kind == .release ? -$1.amount.rawValue : 0)
        }
        XCTAssertEqual(sum, account.balance.rawValue, "ledger sum vs balance", file: file, line: line)
        let reserved = try await storedReserved?(user) ?? account.reserved.rawValue
        XCTAssertEqual(held, reserved, "ledger holds vs reserved", file: file, line: line)
        XCTAssertGreaterThanOrEqual(account.balance.rawValue, 0, file: file, line: line)
        XCTAssertLessThanOrEqual(account.reserved.rawValue, account.balance.rawValue, file: file, line: line)
    }

    // MARK: Users and balances

    func usersAndAccounts() async throws {
        let email = "u\(UUID().uuidString.prefix(8))@example.com"
        let user = try await accounts.createUser(NewUser(email: email, displayName: "Ada", tier: "pro",
                                                         monthlyCredits: Self.µ(5_000_000_000)))
        let byEmail = try await accounts.user(email: email.uppercased())
        XCTAssertEqual(byEmail?.id, user.id)
        let byID = try await accounts.user(id: user.id)
        XCTAssertEqual(byID?.displayName, "Ada")
        do {
            _ = try await accounts.createUser(NewUser(email: email.uppercased()))
            XCTFail("duplicate email accepted")
        } catch let error as StoreError {
            guard case .duplicate = error else { return XCTFail("\(error)") }
        }
        var account = try await balance(user.id)
        XCTAssertEqual(account.balance, .zero)
        XCTAssertEqual(account.tier, "pro")
        XCTAssertEqual(account.monthlyCredits, Self.µ(5_000_000_000))
        XCTAssertNil(account.marginBps)

        account = try await accounts.setTier(userID: user.id, tier: "team", monthlyCredits: Self.µ(7))
        XCTAssertEqual(account.tier, "team")
        account = try await accounts.setMargin(userID: user.id, marginBps: 2500)
        XCTAssertEqual(account.marginBps, 2500)
        account = try await accounts.setMargin(userID: user.id, marginBps: nil)
        XCTAssertNil(account.marginBps)
        account = try await accounts.setBillingIDs(userID: user.id, customerID: "cus_1", subscriptionID: "sub_1")
        XCTAssertEqual(account.billingCustomerID, "cus_1")
        let v1 = try await balance(user.id).billingSubscriptionID
        XCTAssertEqual(v1, "sub_1")

        let missing = UserID.random()
        let missingAccount = try await accounts.creditAccount(userID: missing)
        XCTAssertNil(missingAccount)
        do {
            _ = try await accounts.setTier(userID: missing, tier: "pro", monthlyCredits: .zero)
            XCTFail("unknown user accepted")
        } catch StoreError.userNotFound(let id) {
            XCTAssertEqual(id, missing)
        }

        let model = "test/model-\(UUID().uuidString.prefix(6))"
        try await accounts.setModelMargin(model: model, marginBps: 1234)
        let v2 = try await accounts.modelMargins()[model]
        XCTAssertEqual(v2, 1234)
        try await accounts.setModelMargin(model: model, marginBps: nil)
        let v3 = try await accounts.modelMargins()[model]
        XCTAssertNil(v3)
        let listed = try await accounts.listUsers(limit: 100_000, offset: 0)
        XCTAssertTrue(listed.contains { $0.id == user.id })
    }

    func addAndDeductCredits() async throws {
        let user = try await newUser()
        let ref = "pay_\(UUID().uuidString)"
        var change = try await accounts.addCredits(userID: user, amount: Self.µ(3_360_000), externalRef: ref,
                                                   note: "top-up")
        XCTAssertTrue(change.applied)
        XCTAssertEqual(change.account.balance, Self.µ(3_360_000))
        change = try await accounts.addCredits(userID: user, amount: Self.µ(3_360_000), externalRef: ref, note: nil)
        XCTAssertFalse(change.applied, "same external reference applied twice")
        XCTAssertEqual(change.account.balance, Self.µ(3_360_000))

        let v4 = try await accounts.hasSufficientCredits(userID: user, amount: Self.µ(3_360_000))
        XCTAssertTrue(v4)
        let v5 = try await accounts.hasSufficientCredits(userID: user, amount: Self.µ(3_360_001))
        XCTAssertFalse(v5)
        let v6 = try await accounts.hasSufficientCredits(userID: .random(), amount: Self.µ(1))
        XCTAssertFalse(v6)

        let dref = "refund_\(UUID().uuidString)"
        change = try await accounts.deductCredits(userID: user, amount: Self.µ(360_000), externalRef: dref, note: nil)
        XCTAssertTrue(change.applied)
        XCTAssertEqual(change.account.balance, Self.µ(3_000_000))
        change = try await accounts.deductCredits(userID: user, amount: Self.µ(360_000), externalRef: dref, note: nil)
        XCTAssertFalse(change.applied)
        XCTAssertEqual(change.account.balance, Self.µ(3_000_000))

        do {
            _ = try await accounts.deductCredits(userID: user, amount: Self.µ(3_000_001), externalRef: nil, note: nil)
            XCTFail("deduct below zero accepted")
        } catch StoreError.insufficientCredits(let available, let required) {
            XCTAssertEqual(available, Self.µ(3_000_000))
            XCTAssertEqual(required, Self.µ(3_000_001))
        }
        // Holds are protected from deductions.
        _ = try await ledger.reserve(requestID: "hold-\(UUID())", userID: user, amount: Self.µ(2_000_000),
                                     ttl: .seconds(600))
        do {
            _ = try await accounts.deductCredits(userID: user, amount: Self.µ(1_500_000), externalRef: nil, note: nil)
            XCTFail("deduct into a hold accepted")
        } catch StoreError.insufficientCredits(let available, _) {
            XCTAssertEqual(available, Self.µ(1_000_000))
        }
        for bad: Int64 in [0, -5] {
            do {
                _ = try await accounts.addCredits(userID: user, amount: Self.µ(bad), externalRef: nil, note: nil)
                XCTFail("non-positive amount accepted")
            } catch StoreError.invalidArgument {}
        }
        do {
            _ = try await accounts.addCredits(userID: .random(), amount: Self.µ(1), externalRef: nil, note: nil)
            XCTFail("unknown user accepted")
        } catch StoreError.userNotFound {}
        try await assertLedgerMatches(user)
        let entries = try await ledger.ledgerEntries(userID: user, limit: 10)
        XCTAssertEqual(entries.map(\.kind), [.reserve, .deduct, .add], "replays leave no entry")
        XCTAssertEqual(entries[2].externalRef, ref)
        XCTAssertEqual(entries[2].note, "top-up")
    }

    // MARK: Keys

    func apiKeys() async throws {
        let user = try await newUser()
        let other = try await newUser()
        let hash1 = String(repeating: "a", count: 56) + String(UUID().uuidString.prefix(8)).lowercased()
        let hash2 = String(repeating: "b", count: 56) + String(UUID().uuidString.prefix(8)).lowercased()
        let k1 = try await keys.createKey(NewAPIKey(userID: user, keyHash: hash1, keyPrefix: "lyr_live_AbCd",
                                                    name: "laptop", project: "alpha", mode: .live,
                                                    tierOverride: "pro", monthlyBudget: Self.µ(9_000_000)))
        XCTAssertEqual(k1.status(), .active)
        XCTAssertNil(k1.lastUsedAt)
        let past = Date().addingTimeInterval(-60)
        let k2 = try await keys.createKey(NewAPIKey(userID: user, keyHash: hash2, keyPrefix: "lyr_test_EfGh",
                                                    name: "ci", mode: .test, expiresAt: past))
        XCTAssertEqual(k2.status(), .expired)

        let found = try await keys.lookup(keyHash: hash1)
        XCTAssertEqual(found?.id, k1.id)
        XCTAssertEqual(found?.userID, user)
        XCTAssertEqual(found?.mode, .live)
        XCTAssertEqual(found?.project, "alpha")
        XCTAssertEqual(found?.tierOverride, "pro")
        XCTAssertEqual(found?.monthlyBudget, Self.µ(9_000_000))
        XCTAssertEqual(found?.keyPrefix, "lyr_live_AbCd")
        let none = try await keys.lookup(keyHash: String(repeating: "0", count: 64))
        XCTAssertNil(none)
        let v7 = try await keys.key(id: k2.id)?.mode
        XCTAssertEqual(v7, .test)

        do {
            _ = try await keys.createKey(NewAPIKey(userID: user, keyHash: hash1, keyPrefix: "x", name: "dup",
                                                   mode: .live))
            XCTFail("duplicate hash accepted")
        } catch StoreError.duplicate {}
        do {
            _ = try await keys.createKey(NewAPIKey(userID: .random(), keyHash: hash1 + "x", keyPrefix: "x",
                                                   name: "orphan", mode: .live))
            XCTFail("unknown user accepted")
        } catch StoreError.userNotFound {}

        let listed = try await keys.listKeys(userID: user)
        XCTAssertEqual(Set(listed.map(\.id)), [k1.id, k2.id])
        let v8 = try await keys.listKeys(userID: other).count
        XCTAssertEqual(v8, 0)

        // Only the owner (or an admin, userID nil) may revoke.
        let notMine = try await keys.revokeKey(id: k1.id, userID: other)
        XCTAssertNil(notMine)
        let v9 = try await keys.lookup(keyHash: hash1)?.status()
        XCTAssertEqual(v9, .active)
        let revoked = try await keys.revokeKey(id: k1.id, userID: user)
        XCTAssertEqual(revoked?.status(), .revoked)
        XCTAssertNotNil(revoked?.revokedAt)
        let v10 = try await keys.lookup(keyHash: hash1)?.status()
        XCTAssertEqual(v10, .revoked)
        let again = try await keys.revokeKey(id: k1.id, userID: nil)
        XCTAssertEqual(again?.revokedAt, revoked?.revokedAt, "revoking twice keeps the first time")
        let unknown = try await keys.revokeKey(id: .random(), userID: nil)
        XCTAssertNil(unknown)

        // Key-level margin: set, read back through every lookup, cleared; unknown keys answer nil.
        let initialMargin = try await keys.key(id: k2.id)?.marginBps
        XCTAssertNil(initialMargin)
        let margined = try await keys.setKeyMargin(id: k2.id, marginBps: 2550)
        XCTAssertEqual(margined?.marginBps, 2550)
        let byID = try await keys.key(id: k2.id)?.marginBps
        XCTAssertEqual(byID, 2550)
        let byHash = try await keys.lookup(keyHash: k2.keyHash)?.marginBps
        XCTAssertEqual(byHash, 2550)
        let cleared = try await keys.setKeyMargin(id: k2.id, marginBps: nil)
        XCTAssertNil(cleared?.marginBps)
        XCTAssertNotNil(cleared, "clearing returns the record")
        let unknownMargin = try await keys.setKeyMargin(id: .random(), marginBps: 100)
        XCTAssertNil(unknownMargin)

        let used = Date(timeIntervalSince1970: 1_800_000_000)
        try await keys.touchKey(id: k2.id, at: used)
        let touched = try await keys.key(id: k2.id)
        XCTAssertEqual(touched?.lastUsedAt?.timeIntervalSince1970 ?? 0, used.timeIntervalSince1970, accuracy: 0.001)
    }

    // MARK: Reservations and settlement

    func reserveSettleRelease() async throws {
        let user = try await newUser(credits: 10_000_000)
        let rid = "req-\(UUID())"
        guard case .reserved(let hold, let replayed) = try await ledger.reserve(
            requestID: rid, userID: user, amount: Self.µ(4_000_000), ttl: .seconds(600))
        else { return XCTFail("reserve refused") }
        XCTAssertFalse(replayed)
        XCTAssertEqual(hold.state, .held)
        XCTAssertEqual(hold.amount, Self.µ(4_000_000))
        XCTAssertGreaterThan(hold.expiresAt, Date().addingTimeInterval(500))
        var account = try await balance(user)
        XCTAssertEqual(account.reserved, Self.µ(4_000_000))
        XCTAssertEqual(account.available, Self.µ(6_000_000))

        // Retrying the reservation is idempotent.
        guard case .reserved(let same, true) = try await ledger.reserve(
            requestID: rid, userID: user, amount: Self.µ(4_000_000), ttl: .seconds(600))
        else { return XCTFail("replay not reported") }
        XCTAssertEqual(same.amount, hold.amount)
        let v11 = try await balance(user).reserved
        XCTAssertEqual(v11, Self.µ(4_000_000))

        // Not enough available: nothing held.
        let short = try await ledger.reserve(requestID: "req-\(UUID())", userID: user, amount: Self.µ(6_000_001),
                                             ttl: .seconds(600))
        XCTAssertEqual(short, .insufficient(available: Self.µ(6_000_000), required: Self.µ(6_000_001)))
        let v12 = try await balance(user).reserved
        XCTAssertEqual(v12, Self.µ(4_000_000))

        // Another user cannot reuse the request id.
        let other = try await newUser(credits: 10_000_000)
        do {
            _ = try await ledger.reserve(requestID: rid, userID: other, amount: Self.µ(1), ttl: .seconds(60))
            XCTFail("request id reused across users")
        } catch StoreError.requestIDConflict {}

        // Settle below the estimate: hold released, actual charged, usage row written.
        let outcome = try await ledger.settle(Settlement(usage: row(rid, user, credits: 3_360_000),
                                                         charge: Self.µ(3_360_000)))
        XCTAssertEqual(outcome.charged, Self.µ(3_360_000))
        XCTAssertEqual(outcome.released, Self.µ(4_000_000))
        XCTAssertEqual(outcome.uncollected, .zero)
        XCTAssertEqual(outcome.balanceAfter, Self.µ(6_640_000))
        XCTAssertFalse(outcome.replayed)
        account = try await balance(user)
        XCTAssertEqual(account.balance, Self.µ(6_640_000))
        XCTAssertEqual(account.reserved, .zero)
        let v13 = try await ledger.reservation(requestID: rid)?.state
        XCTAssertEqual(v13, .settled)

        // Settling again (a retry) changes nothing.
        let replay = try await ledger.settle(Settlement(usage: row(rid, user, credits: 3_360_000),
                                                        charge: Self.µ(3_360_000)))
        XCTAssertTrue(replay.replayed)
        XCTAssertEqual(replay.charged, Self.µ(3_360_000))
        let v14 = try await balance(user).balance
        XCTAssertEqual(v14, Self.µ(6_640_000))
        let v15 = try await ledger.release(requestID: rid)
        XCTAssertFalse(v15, "a settled reservation cannot be released")
        // A reservation retried after settlement does not hold again.
        guard case .reserved(let late, true) = try await ledger.reserve(
            requestID: rid, userID: user, amount: Self.µ(4_000_000), ttl: .seconds(600))
        else { return XCTFail("late reserve not a replay") }
        XCTAssertEqual(late.state, .settled)
        let v16 = try await balance(user).reserved
        XCTAssertEqual(v16, .zero)

        let stored = try await usage.usage(requestID: rid)
        XCTAssertEqual(stored?.credits, Self.µ(3_360_000))
        XCTAssertEqual(stored?.creditsCharged, Self.µ(3_360_000))
        XCTAssertEqual(stored?.promptTokens, 2000)
        XCTAssertEqual(stored?.cachedTokens, 100)
        XCTAssertEqual(stored?.cacheWriteTokens, 10)
        XCTAssertEqual(stored?.completionTokens, 1000)
        XCTAssertEqual(stored?.reasoningTokens, 50)
        XCTAssertEqual(stored?.ttftMs, 40)
        XCTAssertEqual(stored?.isStream, true)
        XCTAssertEqual(stored?.metadataJSON.map { $0.replacingOccurrences(of: " ", with: "") }, #"{"pattern":"chat"}"#)
        let entries = try await ledger.ledgerEntries(userID: user, limit: 100)
        if ledger.settlesInMemory {
            // Leased: the hold was taken from the lease in memory and the charge joined the user's flush entry.
            XCTAssertEqual(entries.filter { $0.requestID == rid }.map(\.kind), [])
            XCTAssertTrue(entries.contains { $0.kind == .charge && $0.amount >= Self.µ(3_360_000) })
        } else {
            XCTAssertEqual(entries.filter { $0.requestID == rid }.map(\.kind), [.charge, .release, .reserve])
        }

        // Release: a held reservation goes back, once.
        let rid2 = "req-\(UUID())"
        _ = try await ledger.reserve(requestID: rid2, userID: user, amount: Self.µ(1_000_000), ttl: .seconds(600))
        let v17 = try await ledger.release(requestID: rid2)
        XCTAssertTrue(v17)
        let v18 = try await ledger.release(requestID: rid2)
        XCTAssertFalse(v18)
        let v19 = try await ledger.release(requestID: "never-\(UUID())")
        XCTAssertFalse(v19)
        let v20 = try await ledger.reservation(requestID: rid2)?.state
        XCTAssertEqual(v20, .released)
        account = try await balance(user)
        XCTAssertEqual(account.reserved, .zero)
        XCTAssertEqual(account.balance, Self.µ(6_640_000))
        try await assertLedgerMatches(user)
    }

    func settleOverrunPolicy() async throws {
        // Balance 10; request A holds 4, request B holds 5: free = 1.
        let user = try await newUser(credits: 10_000_000)
        let a = "req-a-\(UUID())", b = "req-b-\(UUID())"
        _ = try await ledger.reserve(requestID: a, userID: user, amount: Self.µ(4_000_000), ttl: .seconds(600))
        _ = try await ledger.reserve(requestID: b, userID: user, amount: Self.µ(5_000_000), ttl: .seconds(600))
        // A overruns to 7: collected from its hold (4) plus the free balance (1), never from B's hold.
        let oa = try await ledger.settle(Settlement(usage: row(a, user, credits: 7_000_000), charge: Self.µ(7_000_000)))
        XCTAssertEqual(oa.charged, Self.µ(5_000_000))
        XCTAssertEqual(oa.uncollected, Self.µ(2_000_000))
        let v21 = try await usage.usage(requestID: a)?.credits
        XCTAssertEqual(v21, Self.µ(7_000_000))
        let v22 = try await usage.usage(requestID: a)?.creditsCharged
        XCTAssertEqual(v22, Self.µ(5_000_000))
        // B, within its estimate, is collected in full.
        let ob = try await ledger.settle(Settlement(usage: row(b, user, credits: 5_000_000), charge: Self.µ(5_000_000)))
        XCTAssertEqual(ob.charged, Self.µ(5_000_000))
        XCTAssertEqual(ob.uncollected, .zero)
        XCTAssertEqual(ob.balanceAfter, .zero)
        // Settling with no reservation at all charges the free balance, capped at zero.
        let c = "req-c-\(UUID())"
        let oc = try await ledger.settle(Settlement(usage: row(c, user, credits: 1_000), charge: Self.µ(1_000)))
        XCTAssertEqual(oc.charged, .zero)
        XCTAssertEqual(oc.uncollected, Self.µ(1_000))
        let v23 = try await balance(user).balance
        XCTAssertEqual(v23, .zero)
        try await assertLedgerMatches(user)
    }

    func sweeperReleasesExpiredHolds() async throws {
        let user = try await newUser(credits: 5_000_000)
        let dead = "req-dead-\(UUID())", alive = "req-alive-\(UUID())"
        _ = try await ledger.reserve(requestID: dead, userID: user, amount: Self.µ(2_000_000), ttl: .zero)
        _ = try await ledger.reserve(requestID: alive, userID: user, amount: Self.µ(1_000_000), ttl: .seconds(3600))
        let v24 = try await balance(user).reserved
        XCTAssertEqual(v24, Self.µ(3_000_000))
        let swept = try await ledger.sweepExpiredReservations(now: Date().addingTimeInterval(1))
        XCTAssertGreaterThanOrEqual(swept, 1)
        let v25 = try await ledger.reservation(requestID: dead)?.state
        XCTAssertEqual(v25, .expired)
        let v26 = try await ledger.reservation(requestID: alive)?.state
        XCTAssertEqual(v26, .held)
        let v27 = try await balance(user).reserved
        XCTAssertEqual(v27, Self.µ(1_000_000))
        let v28 = try await ledger.release(requestID: dead)
        XCTAssertFalse(v28)
        // The dead request finishing late is still billed, from the free balance.
        let late = try await ledger.settle(Settlement(usage: row(dead, user, credits: 1_500_000),
                                                      charge: Self.µ(1_500_000)))
        XCTAssertEqual(late.charged, Self.µ(1_500_000))
        XCTAssertEqual(late.released, .zero)
        let v29 = try await balance(user).balance
        XCTAssertEqual(v29, Self.µ(3_500_000))
        try await assertLedgerMatches(user)
    }

    func recordUsageWithoutCharge() async throws {
        let user = try await newUser(credits: 1_000_000)
        let rid = "req-fail-\(UUID())"
        _ = try await ledger.reserve(requestID: rid, userID: user, amount: Self.µ(500_000), ttl: .seconds(600))
        let failed = row(rid, user, credits: 0, status: 502)
        let v30 = try await usage.recordUsage(failed)
        XCTAssertTrue(v30)
        let v31 = try await usage.recordUsage(failed)
        XCTAssertFalse(v31, "one usage row per request id")
        let account = try await balance(user)
        XCTAssertEqual(account.balance, Self.µ(1_000_000))
        XCTAssertEqual(account.reserved, .zero, "recording a failure releases its hold")
        let v32 = try await usage.usage(requestID: rid)?.status
        XCTAssertEqual(v32, 502)
        let v33 = try await usage.usage(requestID: rid)?.errorCode
        XCTAssertEqual(v33, "upstream_error")
        // A later settlement of the same request id is a replay: never charged twice, never two rows.
        let replay = try await ledger.settle(Settlement(usage: row(rid, user, credits: 9), charge: Self.µ(9)))
        XCTAssertTrue(replay.replayed)
        XCTAssertEqual(replay.charged, .zero)
        let totals = try await usage.usageTotals(UsageQuery(userID: user, from: .distantPast, to: .distantFuture))
        XCTAssertEqual(totals.requests, 1)
        XCTAssertEqual(totals.errors, 1)
        try await assertLedgerMatches(user)
    }

    // MARK: Usage queries

    func usageQueries() async throws {
        let user = try await newUser(credits: 100_000_000)
        let hashA = String(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()) + "aa"
        let keyA = try await keys.createKey(NewAPIKey(userID: user, keyHash: hashA, keyPrefix: "lyr_live_A",
                                                      name: "a", mode: .live)).id
        // Days well in the past so the rows are ours alone: 2026-03-01 and 2026-03-02 UTC.
        let day1 = Date(timeIntervalSince1970: 1_772_323_200 + 3600)   // 2026-03-01T01:00Z
        let day2 = day1.addingTimeInterval(86_400)
        let rows = [
            row("u1-\(UUID())", user, credits: 1_000, model: "openai/gpt-5", provider: "openai", key: keyA,
                project: "alpha", at: day1),
            row("u2-\(UUID())", user, credits: 2_000, model: "anthropic/claude-sonnet-4.5", provider: "anthropic",
                key: keyA, project: "alpha", at: day1.addingTimeInterval(60)),
            row("u3-\(UUID())", user, credits: 4_000, model: "anthropic/claude-sonnet-4.5", provider: "anthropic",
                project: "beta", at: day2),
            row("u4-\(UUID())", user, credits: 0, model: "openai/gpt-5", provider: "openai", status: 429,
                at: day2.addingTimeInterval(60)),
            row("u5-\(UUID())", user, credits: 8_000, model: "openai/gpt-5", provider: "openai", isTest: true,
                at: day2.addingTimeInterval(120)),
        ]
        for r in rows {
            _ = try await ledger.settle(Settlement(usage: r, charge: r.isTest ? .zero : r.credits))
        }
        let all = UsageQuery(userID: user, from: day1.addingTimeInterval(-3600), to: day2.addingTimeInterval(86_400))
        let totals = try await usage.usageTotals(all)
        XCTAssertEqual(totals.requests, 4)
        XCTAssertEqual(totals.errors, 1)
        XCTAssertEqual(totals.credits, Self.µ(7_000))
        XCTAssertEqual(totals.creditsCharged, Self.µ(7_000))
        XCTAssertEqual(totals.promptTokens, 8000)
        XCTAssertEqual(totals.completionTokens, 4000)
        XCTAssertEqual(totals.totalLatencyMs, 480)

        var withTest = all
        withTest.includeTest = true
        let testTotals = try await usage.usageTotals(withTest)
        XCTAssertEqual(testTotals.requests, 5)
        XCTAssertEqual(testTotals.credits, Self.µ(15_000))
        XCTAssertEqual(testTotals.creditsCharged, Self.µ(7_000), "test keys are never charged")

        let byDay = try await usage.usageBreakdown(all, by: .day)
        XCTAssertEqual(byDay.map(\.key), ["2026-03-01", "2026-03-02"])
        XCTAssertEqual(byDay.map(\.totals.requests), [2, 2])
        let byModel = try await usage.usageBreakdown(all, by: .model)
        XCTAssertEqual(byModel.map(\.key), ["anthropic/claude-sonnet-4.5", "openai/gpt-5"])
        XCTAssertEqual(byModel.map(\.totals.credits), [Self.µ(6_000), Self.µ(1_000)])
        let byProvider = try await usage.usageBreakdown(all, by: .provider)
        XCTAssertEqual(byProvider.map(\.key), ["anthropic", "openai"])
        let byKey = try await usage.usageBreakdown(all, by: .apiKey)
        XCTAssertEqual(byKey.map(\.key), ["", keyA.description])
        XCTAssertEqual(byKey.map(\.totals.requests), [2, 2])
        let byProject = try await usage.usageBreakdown(all, by: .project)
        XCTAssertEqual(byProject.map(\.key), ["beta", "alpha", ""])

        var keyOnly = all
        keyOnly.apiKeyID = keyA
        let v34 = try await usage.usageTotals(keyOnly).credits
        XCTAssertEqual(v34, Self.µ(3_000))
        var modelOnly = all
        modelOnly.model = "openai/gpt-5"
        modelOnly.provider = "openai"
        let v35 = try await usage.usageTotals(modelOnly).requests
        XCTAssertEqual(v35, 2)
        var projectOnly = all
        projectOnly.project = "alpha"
        let v36 = try await usage.usageTotals(projectOnly).requests
        XCTAssertEqual(v36, 2)
        let firstDay = UsageQuery(userID: user, from: day1.addingTimeInterval(-3600), to: day2.addingTimeInterval(-3600))
        let v37 = try await usage.usageTotals(firstDay).requests
        XCTAssertEqual(v37, 2)

        let recent = try await usage.recentUsage(all, limit: 3)
        XCTAssertEqual(recent.map(\.requestID), [rows[3].requestID, rows[2].requestID, rows[1].requestID])
        XCTAssertEqual(recent.first?.createdAt.timeIntervalSince1970 ?? 0,
                       rows[3].createdAt.timeIntervalSince1970, accuracy: 0.001)
        let otherUser = try await newUser()
        let otherTotals = try await usage.usageTotals(UsageQuery(userID: otherUser, from: .distantPast,
                                                                 to: .distantFuture))
        XCTAssertEqual(otherTotals.requests, 0)
    }

    // MARK: Concurrency

    /// 200 concurrent reserve/settle pairs against a balance that pays for only some of them.
    func concurrentReserveSettle(pairs: Int = 200) async throws {
        let estimate: Int64 = 1_000_000
        let initial: Int64 = 60 * estimate
        let user = try await newUser(credits: initial)
        let ledger = self.ledger
        let prefix = "conc-\(UUID())-"
        let rowFor: @Sendable (Int) -> UsageRecord = { [self] i in row(prefix + String(i), user, credits: 0) }
        struct Result: Sendable {
            var index: Int
            var charged: Int64?
        }
        let results = try await withThrowingTaskGroup(of: Result.self) { group in
            for i in 0..<pairs {
                group.addTask {
                    let rid = prefix + String(i)
                    let outcome = try await ledger.reserve(requestID: rid, userID: user,
                                                           amount: MicroCredits(rawValue: estimate),
                                                           ttl: .seconds(600))
                    guard case .reserved = outcome else { return Result(index: i, charged: nil) }
                    let actual = estimate - Int64(i % 4) * 100_000
                    var usage = rowFor(i)
                    usage.credits = MicroCredits(rawValue: actual)
                    let settled = try await ledger.settle(Settlement(usage: usage,
                                                                     charge: MicroCredits(rawValue: actual)))
                    XCTAssertEqual(settled.charged.rawValue, actual, "within its estimate: collected in full")
                    // A retry of the same settlement must not charge again.
                    let again = try await ledger.settle(Settlement(usage: usage, charge: MicroCredits(rawValue: actual)))
                    XCTAssertTrue(again.replayed)
                    return Result(index: i, charged: actual)
                }
            }
            var all: [Result] = []
            for try await r in group { all.append(r) }
            return all
        }
        let succeeded = results.filter { $0.charged != nil }
        let refused = results.filter { $0.charged == nil }
        XCTAssertGreaterThanOrEqual(succeeded.count, 60)
        XCTAssertGreaterThan(refused.count, 0, "the balance should not cover every request")
        let account = try await balance(user)
        let totalCharged = succeeded.reduce(Int64(0)) { $0 + ($1.charged ?? 0) }
        XCTAssertEqual(account.balance.rawValue, initial - totalCharged)
        XCTAssertGreaterThanOrEqual(account.balance.rawValue, 0)
        XCTAssertEqual(account.reserved, .zero)
        let entries = try await self.ledger.ledgerEntries(userID: user, limit: 100_000)
        var charges: [String: [Int64]] = [:]
        for e in entries where e.kind == .charge { charges[e.requestID ?? "", default: []].append(e.amount.rawValue) }
        if ledger.settlesInMemory {
            // A leased ledger charges each flush per user in one entry; each request's charge is in its usage row.
            let entryTotal = entries.filter { $0.kind == .charge }.reduce(Int64(0)) { $0 + $1.amount.rawValue }
            XCTAssertEqual(entryTotal, totalCharged, "charge entries add up to what the requests were charged")
            for r in succeeded {
                let row = try await usage.usage(requestID: prefix + String(r.index))
                XCTAssertEqual(row?.creditsCharged.rawValue, r.charged, "charged exactly once")
            }
        } else {
            for r in succeeded {
                XCTAssertEqual(charges[prefix + String(r.index)], [r.charged!], "charged exactly once")
            }
        }
        for r in refused {
            XCTAssertNil(charges[prefix + String(r.index)], "refused request charged")
            let row = try await usage.usage(requestID: prefix + String(r.index))
            XCTAssertNil(row)
        }
        try await assertLedgerMatches(user)
    }
}

/// A usage store whose reads first wait for the ledger's pending writes (read-your-writes).
struct SynchronizedUsage: UsageStore {
    let base: any UsageStore
    let ledger: any CreditLedger

    func recordUsage(_ record: UsageRecord) async throws -> Bool { try await base.recordUsage(record) }
    func usageTotals(_ query: UsageQuery) async throws -> UsageTotals {
        await ledger.synchronize()
        return try await base.usageTotals(query)
    }
    func usageBreakdown(_ query: UsageQuery, by grouping: UsageGrouping) async throws -> [UsageGroup] {
        await ledger.synchronize()
        return try await base.usageBreakdown(query, by: grouping)
    }
    func recentUsage(_ query: UsageQuery, limit: Int) async throws -> [UsageRecord] {
        await ledger.synchronize()
        return try await base.recentUsage(query, limit: limit)
    }
    func usage(requestID: String) async throws -> UsageRecord? {
        await ledger.synchronize()
        return try await base.usage(requestID: requestID)
    }
}
