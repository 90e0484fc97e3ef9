import Foundation
import LayersCredits

/// Users, their credit balances, tiers and margins.
///
/// Adding credits is idempotent by `externalRef` (e.g. a payment id): applying the same reference twice
/// changes nothing the second time and returns `applied == false`.
public protocol AccountStore: Sendable {
    /// Creates the user and its (zero) credit balance. Throws `StoreError.duplicate` for a taken email or id.
    func createUser(_ user: NewUser) async throws -> UserAccount
    func user(id: UserID) async throws -> UserAccount?
    func user(email: String) async throws -> UserAccount?
    /// Users, oldest first.
    func listUsers(limit: Int, offset: Int) async throws -> [UserAccount]

    /// The balance row, or nil for an unknown user.
    func creditAccount(userID: UserID) async throws -> CreditAccount?
    /// Sets the tier and its monthly credits. Throws `.userNotFound`.
    func setTier(userID: UserID, tier: String, monthlyCredits: MicroCredits) async throws -> CreditAccount
    /// Sets (or with nil clears) the per-user margin override in basis points.
    func setMargin(userID: UserID, marginBps: Int?) async throws -> CreditAccount
    /// Records the billing provider's customer and subscription ids.
    func setBillingIDs(userID: UserID, customerID: String?, subscriptionID: String?) async throws -> CreditAccount

    /// Adds `amount` (> 0) micro-credits; idempotent by `externalRef` when given.
    func addCredits(userID: UserID, amount: MicroCredits, externalRef: String?, note: String?) async throws -> CreditChange
    /// Removes `amount` (> 0) micro-credits atomically. Throws `StoreError.insufficientCredits` when
    /// `available < amount` (reservations stay backed; the balance never goes below zero). Idempotent by
    /// `externalRef` when given.
    func deductCredits(userID: UserID, amount: MicroCredits, externalRef: String?, note: String?) async throws -> CreditChange
    /// Whether `available >= amount`. False for an unknown user.
    func hasSufficientCredits(userID: UserID, amount: MicroCredits) async throws -> Bool

    /// Per-model margin overrides in basis points (model id -> bps).
    func modelMargins() async throws -> [String: Int]
    /// Sets (or with nil removes) a per-model margin override.
    func setModelMargin(model: String, marginBps: Int?) async throws
}
