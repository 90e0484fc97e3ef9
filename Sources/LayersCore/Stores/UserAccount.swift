import Foundation
import LayersCredits

/// A Layers user (the owner of keys and of one credit balance).
public struct UserAccount: Sendable, Hashable, Codable {
    public var id: UserID
    public var email: String?
    public var displayName: String?
    public var createdAt: Date

    public init(id: UserID, email: String? = nil, displayName: String? = nil, createdAt: Date) {
        self.id = id
        self.email = email
        self.displayName = displayName
        self.createdAt = createdAt
    }
}

/// What a caller supplies to create a user.
public struct NewUser: Sendable, Hashable {
    public var id: UserID
    public var email: String?
    public var displayName: String?
    /// Tier name as defined in `LayersCredits` (free, starter, pro, team).
    public var tier: String
    /// Credits the tier grants per month, in micro-credits.
    public var monthlyCredits: MicroCredits

    public init(id: UserID = .random(), email: String? = nil, displayName: String? = nil, tier: String = "free",
                monthlyCredits: MicroCredits = .zero) {
        self.id = id
        self.email = email
        self.displayName = displayName
        self.tier = tier
        self.monthlyCredits = monthlyCredits
    }
}

/// A user's credit balance. `balance` is what the user owns; `reserved` is the part held by in-flight
/// requests; `available = balance - reserved` is what new requests may reserve. Invariant:
/// `0 <= reserved <= balance`.
public struct CreditAccount: Sendable, Hashable, Codable {
    public var userID: UserID
    /// Micro-credits owned.
    public var balance: MicroCredits
    /// Micro-credits held by open reservations.
    public var reserved: MicroCredits
    public var tier: String
    /// Micro-credits granted per month by the tier.
    public var monthlyCredits: MicroCredits
    /// Per-user margin override in basis points (6000 = +60%); nil uses the model/global default.
    public var marginBps: Int?
    public var billingCustomerID: String?
    public var billingSubscriptionID: String?
    public var updatedAt: Date

    public init(userID: UserID, balance: MicroCredits, reserved: MicroCredits, tier: String, monthlyCredits: MicroCredits,
                marginBps: Int? = nil, billingCustomerID: String? = nil, billingSubscriptionID: String? = nil,
                updatedAt: Date) {
        self.userID = userID
        self.balance = balance
        self.reserved = reserved
        self.tier = tier
        self.monthlyCredits = monthlyCredits
        self.marginBps = marginBps
        self.billingCustomerID = billingCustomerID
        self.billingSubscriptionID = billingSubscriptionID
        self.updatedAt = updatedAt
    }

    /// Micro-credits that new reservations may use.
    public var available: MicroCredits { balance - reserved }
}

/// The result of `addCredits` / `deductCredits`.
public struct CreditChange: Sendable, Hashable {
    /// False when the external reference had already been applied (idempotent replay): nothing changed.
    public var applied: Bool
    /// The account after the change (or as it is, on a replay).
    public var account: CreditAccount

    public init(applied: Bool, account: CreditAccount) {
        self.applied = applied
        self.account = account
    }
}
