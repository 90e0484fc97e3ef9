import LayersCore
import LayersCredits

/// Who is calling: the key they presented (its record, never the plaintext), its owner's account settings and
/// the tier that governs their rate limit.
public struct Principal: Sendable {
    public var key: APIKeyRecord
    public var account: AccountSnapshot
    public var tier: Tier

    public var userID: UserID { key.userID }
    /// `lyr_test_` keys: answered by the sandbox, never charged.
    public var isTest: Bool { key.mode == .test }
}

/// The parts of a credit account the pipeline needs on every request (cached briefly; the balance itself is
/// never taken from here, the ledger checks it atomically).
public struct AccountSnapshot: Sendable, Hashable {
    public var tier: String
    public var marginBps: Int?

    public init(tier: String, marginBps: Int?) {
        self.tier = tier
        self.marginBps = marginBps
    }
}
