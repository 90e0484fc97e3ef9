import Foundation
import LayersCore
import LayersCredits

/// The lease operations a ``LeasedCreditLedger`` needs from its store (PostgreSQL: `sql/004_credit_leases.sql`).
/// A lease is a slice of a user's free balance taken by one gateway process (its `holder` name); it counts as
/// reserved in the store, so nothing else can spend it, until it is used by a flush, given back, or expires.
public protocol CreditLeaseStore: Sendable {
    /// Grows `holder`'s lease on `userID` by at least `need` and at most `want` (limited by the free balance).
    /// `granted` is zero when the free balance is below `need`.
    func acquireLease(holder: String, userID: UserID, need: MicroCredits, want: MicroCredits, ttl: Duration)
        async throws -> LeaseGrant
    /// Gives back `amount` of the lease (all of it when nil); returns what was given back.
    func returnLease(holder: String, userID: UserID, amount: MicroCredits?) async throws -> MicroCredits
    /// Extends `holder`'s leases on `userIDs` by `ttl` from now; returns how many leases were extended.
    func renewLeases(holder: String, userIDs: [UserID], ttl: Duration) async throws -> Int
    /// Charges each user's requests out of `holder`'s lease and writes their usage rows, in one transaction.
    /// Idempotent by `id`. `charges` must be sorted by user id in byte order (the lock order).
    func applyLeaseFlush(id: UUID, holder: String, ttl: Duration, charges: [LeaseCharge],
                         settlements: [LeasedSettlement]) async throws -> [LeaseFlushResult]
    /// Gives back every lease that expired (its holder stopped renewing it); returns how many.
    func sweepExpiredLeases(now: Date) async throws -> Int
}

/// The answer to ``CreditLeaseStore/acquireLease(holder:userID:need:want:ttl:)``.
public struct LeaseGrant: Sendable, Hashable {
    /// Added to the lease now (0 when the free balance could not cover `need`).
    public var granted: MicroCredits
    /// The holder's whole lease on the user after the call.
    public var lease: MicroCredits
    /// The user's balance and reserved amount (holds and every holder's leases) after the call.
    public var balance: MicroCredits
    public var reserved: MicroCredits

    public init(granted: MicroCredits, lease: MicroCredits, balance: MicroCredits, reserved: MicroCredits) {
        self.granted = granted
        self.lease = lease
        self.balance = balance
        self.reserved = reserved
    }
}

/// One request settled in memory: its usage row (`creditsCharged` is what was collected), what could not be
/// collected, and the hold released.
public struct LeasedSettlement: Sendable, Hashable {
    public var usage: UsageRecord
    public var uncollected: MicroCredits
    public var released: MicroCredits

    public init(usage: UsageRecord, uncollected: MicroCredits, released: MicroCredits) {
        self.usage = usage
        self.uncollected = uncollected
        self.released = released
    }

    public var charged: MicroCredits { usage.creditsCharged }
}

/// One user's part of a flush: the sum charged to `requests` settled requests.
public struct LeaseCharge: Sendable, Hashable {
    public var userID: UserID
    public var amount: MicroCredits
    public var requests: Int

    public init(userID: UserID, amount: MicroCredits, requests: Int) {
        self.userID = userID
        self.amount = amount
        self.requests = requests
    }
}

/// One user's outcome of a flush.
public struct LeaseFlushResult: Sendable, Hashable {
    public var userID: UserID
    /// Taken from the balance (normally the whole charge).
    public var charged: MicroCredits
    /// The part of `charged` taken from the holder's lease (the rest came from the free balance, because the
    /// lease had expired or been swept meanwhile).
    public var fromLease: MicroCredits
    /// Charge that neither the lease nor the free balance could cover (the lease had expired meanwhile).
    public var shortfall: MicroCredits
    public var balance: MicroCredits
    public var reserved: MicroCredits
    /// What is left of the holder's lease.
    public var lease: MicroCredits
    /// True when this flush id had already been applied (nothing changed).
    public var replayed: Bool

    public init(userID: UserID, charged: MicroCredits, fromLease: MicroCredits, shortfall: MicroCredits, balance: MicroCredits,
                reserved: MicroCredits, lease: MicroCredits, replayed: Bool) {
        self.userID = userID
        self.charged = charged
        self.fromLease = fromLease
        self.shortfall = shortfall
        self.balance = balance
        self.reserved = reserved
        self.lease = lease
        self.replayed = replayed
    }
}
