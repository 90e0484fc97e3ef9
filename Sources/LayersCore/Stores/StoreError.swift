import LayersCredits

/// Errors raised by the stores. Business outcomes that callers branch on (an insufficient balance,
/// an idempotent replay) are return values, not errors.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The user does not exist (or has no credit balance row).
    case userNotFound(UserID)
    /// The API key does not exist.
    case keyNotFound(APIKeyID)
    /// A unique value is already taken (email, key hash).
    case duplicate(String)
    /// An argument is out of range (negative amount, empty request id, ...).
    case invalidArgument(String)
    /// The same request id was used with a different user.
    case requestIDConflict(String)
    /// The amount would take the available balance below zero.
    case insufficientCredits(available: MicroCredits, required: MicroCredits)
    /// The backing database could not be reached or failed; retrying later may succeed.
    case unavailable(String)

    public var description: String {
        switch self {
        case .userNotFound(let id): return "user \(id) not found"
        case .keyNotFound(let id): return "API key \(id) not found"
        case .duplicate(let what): return "duplicate \(what)"
        case .invalidArgument(let why): return "invalid argument: \(why)"
        case .requestIDConflict(let id): return "request id \(id) belongs to another user"
        case .insufficientCredits(let available, let required):
            return "insufficient credits: available \(available) credits, required \(required) credits"
        case .unavailable(let why): return "store unavailable: \(why)"
        }
    }
}
