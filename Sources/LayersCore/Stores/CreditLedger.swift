import Foundation
import LayersCredits

/// The reservation lifecycle the gateway runs around every request:
///
/// ```swift
/// switch try await ledger.reserve(requestID: rid, userID: user, amount: estimate, ttl: .seconds(600)) {
/// case .insufficient(let available, let required): throw PaymentRequired(available, required) // 402
/// case .reserved: break
/// }
/// // ... call the provider ...
/// _ = try await ledger.settle(Settlement(usage: row, charge: row.credits))   // releases + charges + logs
/// ```
///
/// Guarantees (in-memory and PostgreSQL alike):
/// - `reserve` holds only when `balance - reserved >= amount`, atomically; the balance never goes negative.
/// - `settle` releases the hold, charges, and writes the usage row in one atomic step, at most once per
///   request id (a retry returns the first outcome with `replayed == true`).
/// - Overrun policy: a charge larger than the hold is collected from the free balance (balance minus other
///   requests' holds) and capped there; the rest is reported as `uncollected` and stays in the usage row's
///   `credits` vs `creditsCharged`. Other requests' holds are never consumed, so a request that stays within
///   its estimate is always collected in full.
/// - Settling without a reservation (or after it expired) charges from the free balance, same cap.
public protocol CreditLedger: Sendable {
    /// Holds `amount` (>= 0) micro-credits for `requestID` until settled, released, or `ttl` elapses.
    /// Idempotent: a second call with the same request id returns the existing reservation (`replayed`).
    /// Throws `.userNotFound`, `.requestIDConflict` (request id used by another user).
    func reserve(requestID: String, userID: UserID, amount: MicroCredits, ttl: Duration) async throws -> ReservationOutcome
    /// Settles a request: see the type's documentation. Idempotent by request id.
    func settle(_ settlement: Settlement) async throws -> SettlementOutcome
    /// Releases a held reservation without charging. Returns false if there was no held reservation.
    func release(requestID: String) async throws -> Bool
    /// Releases every held reservation whose expiry is at or before `now`; returns how many.
    func sweepExpiredReservations(now: Date) async throws -> Int
    /// One reservation, or nil.
    func reservation(requestID: String) async throws -> Reservation?
    /// A user's ledger entries, newest first.
    func ledgerEntries(userID: UserID, limit: Int) async throws -> [LedgerEntry]
    /// Makes every settlement accepted so far visible to reads of balances, ledger entries and usage
    /// (read-your-writes for a ledger that writes in the background). Default: nothing to wait for.
    func synchronize() async
    /// Holds this ledger keeps outside its store (in memory) for `userID`, to add to the store's `reserved` when
    /// showing a balance. Default: zero.
    func holdsOutsideStore(userID: UserID) -> MicroCredits
    /// True when `reserve` and `settle` normally complete without a database round trip, so callers need not
    /// take them off the response path. Default: false.
    var settlesInMemory: Bool { get }
}

extension CreditLedger {
    public func synchronize() async {}
    public func holdsOutsideStore(userID: UserID) -> MicroCredits { .zero }
    public var settlesInMemory: Bool { false }
}

/// All four stores, as the server wires them.
public struct LayersStores: Sendable {
    public var keys: any APIKeyStore
    public var accounts: any AccountStore
    public var ledger: any CreditLedger
    public var usage: any UsageStore

    public init(keys: any APIKeyStore, accounts: any AccountStore, ledger: any CreditLedger,
                usage: any UsageStore) {
        self.keys = keys
        self.accounts = accounts
        self.ledger = ledger
        self.usage = usage
    }
}
