import Foundation
import LayersCredits

/// All four stores in memory, with the same semantics as the PostgreSQL implementation: for unit tests,
/// embedding apps, and running the gateway without a database. State lives in one actor so that a
/// settlement (release + charge + usage row) is atomic, as it is in one PostgreSQL transaction.
///
/// ```swift
/// let store = InMemoryStore()
/// let stores = store.asStores()   // LayersStores for the server
/// ```
public actor InMemoryStore: APIKeyStore, AccountStore, CreditLedger, UsageStore {
    /// The clock, injectable for tests of expiry.
    let clock: @Sendable () -> Date

    var users: [UserID: UserAccount] = [:]
    var userOrder: [UserID] = []
    var accounts: [UserID: CreditAccount] = [:]
    var modelMarginTable: [String: Int] = [:]

    var keys: [APIKeyID: APIKeyRecord] = [:]
    var keyIDsByHash: [String: APIKeyID] = [:]

    var reservations: [String: Reservation] = [:]
    var settlements: [String: SettlementOutcome] = [:]
    /// `kind:externalRef` -> applied, for idempotent add/deduct.
    var appliedExternalRefs: Set<String> = []
    var ledger: [LedgerEntry] = []
    var nextLedgerID: Int64 = 1

    var usageRows: [UsageRecord] = []
    var usageIndexByRequest: [String: Int] = [:]

    /// - Parameter clock: the time source (defaults to the system clock).
    public init(clock: @escaping @Sendable () -> Date = { Date() }) {
        self.clock = clock
    }

    /// The four store protocols backed by this actor.
    public nonisolated func asStores() -> LayersStores {
        LayersStores(keys: self, accounts: self, ledger: self, usage: self)
    }

    func appendLedger(_ account: CreditAccount, _ kind: LedgerEntry.Kind, _ amount: MicroCredits, requestID: String? = nil,
                      externalRef: String? = nil, note: String? = nil) {
        ledger.append(LedgerEntry(
            id: nextLedgerID, userID: account.userID, kind: kind, amount: amount, requestID: requestID,
            externalRef: externalRef, note: note, balanceAfter: account.balance, reservedAfter: account.reserved,
            createdAt: clock()))
        nextLedgerID += 1
    }

    func requireAccount(_ userID: UserID) throws -> CreditAccount {
        guard let account = accounts[userID] else { throw StoreError.userNotFound(userID) }
        return account
    }
}

extension Duration {
    /// The duration in (fractional) seconds.
    var storeSeconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }
}
