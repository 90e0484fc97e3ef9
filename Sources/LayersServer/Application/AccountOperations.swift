import Foundation
import LayersCore
import LayersCredits

/// Operations shared by the admin API, the CLI and the run script: create users, add credits, create keys.
public struct AccountOperations: Sendable {
    public let stores: LayersStores
    public let tiers: TierTable

    public init(stores: LayersStores, tiers: TierTable = .defaults) {
        self.stores = stores
        self.tiers = tiers
    }

    /// Creates a user on `tier` (default: the table's default) and optionally grants starting credits.
    public func createUser(email: String?, name: String?, tier: String?, credits: MicroCredits?) async throws
        -> (UserAccount, CreditAccount)
    {
        let tierInfo = tiers.resolve(tier)
        if let tier, tiers.tier(named: tier) == nil {
            throw LayersError.invalidRequest(message: "Unknown tier '\(tier)'; known: "
                + tiers.tiers.map(\.name).joined(separator: ", "), param: "tier")
        }
        let user: UserAccount
        do {
            user = try await stores.accounts.createUser(NewUser(
                email: email, displayName: name, tier: tierInfo.name, monthlyCredits: tierInfo.monthlyCredits))
        } catch StoreError.duplicate(let what) {
            throw LayersError.invalidRequest(message: "A user with this \(what) already exists", param: "email",
                                             code: "duplicate")
        }
        if let credits, credits > .zero {
            _ = try await stores.accounts.addCredits(userID: user.id, amount: credits,
                                                     externalRef: "initial:\(user.id)", note: "initial credits")
        }
        guard let account = try await stores.accounts.creditAccount(userID: user.id) else {
            throw LayersError.internalError()
        }
        return (user, account)
    }

    /// Adds credits; idempotent by `reference` when given.
    public func addCredits(userID: UserID, amount: MicroCredits, reference: String?, note: String?) async throws
        -> CreditChange
    {
        guard amount > .zero else {
            throw LayersError.invalidRequest(message: "amount must be a positive number of credits", param: "amount")
        }
        do {
            return try await stores.accounts.addCredits(userID: userID, amount: amount, externalRef: reference,
                                                        note: note)
        } catch StoreError.userNotFound {
            throw LayersError.notFound(message: "No user \(userID)", code: "user_not_found")
        }
    }

    /// Creates a key and returns it with its plaintext, which is shown once and never stored.
    /// `monthlyBudget` caps what the key may spend per calendar month (UTC); nil = no cap.
    public func createKey(userID: UserID, name: String, mode: APIKeyMode, project: String?, expiresAt: Date?,
                          tierOverride: String? = nil, monthlyBudget: MicroCredits? = nil) async throws
        -> (APIKey, APIKeyRecord)
    {
        if let tierOverride, tiers.tier(named: tierOverride) == nil {
            throw LayersError.invalidRequest(message: "Unknown tier '\(tierOverride)'", param: "tier")
        }
        let key = APIKey.generate(mode: mode)
        do {
            let record = try await stores.keys.createKey(NewAPIKey(
                userID: userID, keyHash: key.hash.hex, keyPrefix: key.displayPrefix, name: name, project: project,
                mode: mode == .live ? .live : .test, expiresAt: expiresAt, tierOverride: tierOverride,
                monthlyBudget: monthlyBudget))
            return (key, record)
        } catch StoreError.userNotFound {
            throw LayersError.notFound(message: "No user \(userID)", code: "user_not_found")
        }
    }
}
