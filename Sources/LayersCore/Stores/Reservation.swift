import Foundation
import LayersCredits

/// A hold on part of a user's balance for one in-flight request.
public struct Reservation: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable {
        /// The amount is held (counted in `CreditAccount.reserved`).
        case held
        /// Settled: the hold was released and the actual amount charged.
        case settled
        /// Released without a charge (request failed or was refused).
        case released
        /// Released by the sweeper after `expiresAt` passed (the request died).
        case expired
    }

    public var requestID: String
    public var userID: UserID
    /// Micro-credits held.
    public var amount: MicroCredits
    public var state: State
    public var createdAt: Date
    public var expiresAt: Date

    public init(requestID: String, userID: UserID, amount: MicroCredits, state: State, createdAt: Date, expiresAt: Date) {
        self.requestID = requestID
        self.userID = userID
        self.amount = amount
        self.state = state
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// The answer to a reservation attempt.
public enum ReservationOutcome: Sendable, Hashable {
    /// The hold is in place. `replayed` is true when a reservation with this request id already existed
    /// (it is returned unchanged, whatever its state).
    case reserved(Reservation, replayed: Bool)
    /// `available < required`: nothing was held.
    case insufficient(available: MicroCredits, required: MicroCredits)
}

/// What the gateway settles once a request has finished: its usage row and the amount to charge.
public struct Settlement: Sendable, Hashable, Codable {
    /// The usage row to write (`usage.requestID` and `usage.userID` identify the request).
    public var usage: UsageRecord
    /// Micro-credits to charge: normally `usage.credits`; 0 for test keys and failures.
    public var charge: MicroCredits

    public init(usage: UsageRecord, charge: MicroCredits) {
        self.usage = usage
        self.charge = charge
    }

    public var requestID: String { usage.requestID }
    public var userID: UserID { usage.userID }
}

/// The result of a settlement.
public struct SettlementOutcome: Sendable, Hashable, Codable {
    public var requestID: String
    /// Micro-credits taken from the balance.
    public var charged: MicroCredits
    /// Requested charge that could not be collected (`charge - charged`), because it overran the estimate by
    /// more than the free balance. Zero in the normal case.
    public var uncollected: MicroCredits
    /// The hold that was released (0 if there was none, or it had expired or been released).
    public var released: MicroCredits
    /// Balance after the settlement (or now, on a replay).
    public var balanceAfter: MicroCredits
    /// True when this request id had already been settled: nothing changed, the first outcome is returned.
    public var replayed: Bool

    public init(requestID: String, charged: MicroCredits, uncollected: MicroCredits, released: MicroCredits, balanceAfter: MicroCredits,
                replayed: Bool) {
        self.requestID = requestID
        self.charged = charged
        self.uncollected = uncollected
        self.released = released
        self.balanceAfter = balanceAfter
        self.replayed = replayed
    }
}

/// One append-only ledger entry.
public struct LedgerEntry: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Credits added (balance +amount).
        case add
        /// Credits removed by an operator (balance -amount).
        case deduct
        /// A hold placed (balance unchanged, reserved +amount).
        case reserve
        /// A hold released by settlement, release or the sweeper (reserved -amount).
        case release
        /// A request charged (balance -amount).
        case charge
    }

    public var id: Int64
    public var userID: UserID
    public var kind: Kind
    /// Always >= 0; the kind gives the sign.
    public var amount: MicroCredits
    public var requestID: String?
    public var externalRef: String?
    public var note: String?
    public var balanceAfter: MicroCredits
    public var reservedAfter: MicroCredits
    public var createdAt: Date

    public init(id: Int64, userID: UserID, kind: Kind, amount: MicroCredits, requestID: String? = nil,
                externalRef: String? = nil, note: String? = nil, balanceAfter: MicroCredits, reservedAfter: MicroCredits,
                createdAt: Date) {
        self.id = id
        self.userID = userID
        self.kind = kind
        self.amount = amount
        self.requestID = requestID
        self.externalRef = externalRef
        self.note = note
        self.balanceAfter = balanceAfter
        self.reservedAfter = reservedAfter
        self.createdAt = createdAt
    }

    /// The entry's effect on the balance: +amount for add, -amount for deduct and charge, 0 otherwise.
    public var balanceDelta: MicroCredits {
        switch kind {
        case .add: return amount
        case .deduct, .charge: return .zero - amount
        case .reserve, .release: return .zero
        }
    }
}
