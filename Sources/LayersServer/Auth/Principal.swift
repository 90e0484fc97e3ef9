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
    /// Balance minus holds when the snapshot was read (up to `LAYERS_KEY_CACHE_SECONDS` old): only a hint, used to
    /// decide whether the hold may be placed while the provider is already called.
    public var available: MicroCredits?

    public init(tier: String, marginBps: Int?, available: MicroCredits? = nil) {
        self.tier = tier
        self.marginBps = marginBps
        self.available = available
    }
}
