import Foundation
import LayersCredits

extension InMemoryStore {
    public func createUser(_ user: NewUser) async throws -> UserAccount {
        guard users[user.id] == nil else { throw StoreError.duplicate("user id") }
        if let email = user.email?.lowercased(), users.values.contains(where: { $0.email?.lowercased() == email }) {
            throw StoreError.duplicate("email")
        }
        let now = clock()
        let account = UserAccount(id: user.id, email: user.email, displayName: user.displayName, createdAt: now)
        users[user.id] = account
        userOrder.append(user.id)
        accounts[user.id] = CreditAccount(userID: user.id, balance: .zero, reserved: .zero, tier: user.tier,
                                          monthlyCredits: user.monthlyCredits, updatedAt: now)
        return account
    }

    public func user(id: UserID) async throws -> UserAccount? { users[id] }

    public func user(email: String) async throws -> UserAccount? {
        let wanted = email.lowercased()
        return users.values.first { $0.email?.lowercased() == wanted }
    }

    public func listUsers(limit: Int, offset: Int) async throws -> [UserAccount] {
        userOrder.dropFirst(max(0, offset)).prefix(max(0, limit)).compactMap { users[$0] }
    }

    public func creditAccount(userID: UserID) async throws -> CreditAccount? { accounts[userID] }

    public func setTier(userID: UserID, tier: String, monthlyCredits: MicroCredits) async throws -> CreditAccount {
        try updateAccount(userID) {
            $0.tier = tier
            $0.monthlyCredits = monthlyCredits
        }
    }

    public func setMargin(userID: UserID, marginBps: Int?) async throws -> CreditAccount {
        if let marginBps, marginBps < 0 { throw StoreError.invalidArgument("margin must be >= 0 bps") }
        return try updateAccount(userID) { $0.marginBps = marginBps }
    }

    public func setBillingIDs(userID: UserID, customerID: String?, subscriptionID: String?) async throws
        -> CreditAccount
    {
        try updateAccount(userID) {
            $0.billingCustomerID = customerID
            $0.billingSubscriptionID = subscriptionID
        }
    }

    public func addCredits(userID: UserID, amount: MicroCredits, externalRef: String?, note: String?) async throws
        -> CreditChange
    {
        guard amount > .zero else { throw StoreError.invalidArgument("amount must be > 0") }
        var account = try requireAccount(userID)
        if let externalRef, appliedExternalRefs.contains("add:" + externalRef) {
            return CreditChange(applied: false, account: account)
        }
        let (sum, overflow) = account.balance.rawValue.addingReportingOverflow(amount.rawValue)
        guard !overflow else { throw StoreError.invalidArgument("balance would overflow") }
        account.balance = MicroCredits(rawValue: sum)
        account.updatedAt = clock()
        accounts[userID] = account
        if let externalRef { appliedExternalRefs.insert("add:" + externalRef) }
        appendLedger(account, .add, amount, externalRef: externalRef, note: note)
        return CreditChange(applied: true, account: account)
    }

    public func deductCredits(userID: UserID, amount: MicroCredits, externalRef: String?, note: String?) async throws
        -> CreditChange
    {
        guard amount > .zero else { throw StoreError.invalidArgument("amount must be > 0") }
        var account = try requireAccount(userID)
        if let externalRef, appliedExternalRefs.contains("deduct:" + externalRef) {
            return CreditChange(applied: false, account: account)
        }
        guard account.available >= amount else {
            throw StoreError.insufficientCredits(available: account.available, required: amount)
        }
        account.balance = account.balance - amount
        account.updatedAt = clock()
        accounts[userID] = account
        if let externalRef { appliedExternalRefs.insert("deduct:" + externalRef) }
        appendLedger(account, .deduct, amount, externalRef: externalRef, note: note)
        return CreditChange(applied: true, account: account)
    }

    public func hasSufficientCredits(userID: UserID, amount: MicroCredits) async throws -> Bool {
        guard let account = accounts[userID] else { return false }
        return account.available >= amount
    }

    public func modelMargins() async throws -> [String: Int] { modelMarginTable }

    public func setModelMargin(model: String, marginBps: Int?) async throws {
        if let marginBps, marginBps < 0 { throw StoreError.invalidArgument("margin must be >= 0 bps") }
        modelMarginTable[model] = marginBps
    }

    private func updateAccount(_ userID: UserID, _ change: (inout CreditAccount) -> Void) throws -> CreditAccount {
        var account = try requireAccount(userID)
        change(&account)
        account.updatedAt = clock()
        accounts[userID] = account
        return account
    }
}
