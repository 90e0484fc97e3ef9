/// Whether a key bills real providers (`live`) or answers from the sandbox (`test`).
public enum APIKeyMode: String, Sendable, Hashable, CaseIterable, Codable {
    /// `lyr_live_…`: real providers, real credits.
    case live
    /// `lyr_test_…`: the deterministic simulator; nothing is charged.
    case test

    /// The literal prefix of keys in this mode: `lyr_live_` or `lyr_test_` (9 characters).
    public var prefix: String {
        switch self {
        case .live: return "lyr_live_"
        case .test: return "lyr_test_"
        }
    }
}
