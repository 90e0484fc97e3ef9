/// Why a request's API key was refused (HTTP 401). The presented key is never part of it.
public enum AuthenticationFailure: Sendable, Hashable {
    /// No `Authorization: Bearer` or `x-api-key` header.
    case missing
    /// Something was sent that cannot be a Layers key.
    case malformed(APIKeyFormatProblem)
    /// Well formed, but no key with this hash exists.
    case unknown
    /// The key existed but was revoked (deleted or deactivated).
    case revoked
    /// The key is past its expiry time.
    case expired

    /// Converts a parser result that is not a usable key; nil for `.live`/`.test`.
    public init?(_ presented: PresentedAPIKey) {
        switch presented {
        case .missing: self = .missing
        case .malformed(let problem): self = .malformed(problem)
        case .live, .test: return nil
        }
    }

    /// The error `code` in the response body.
    public var code: String {
        switch self {
        case .missing: return "missing_api_key"
        case .malformed: return "invalid_api_key_format"
        case .unknown: return "invalid_api_key"
        case .revoked: return "revoked_api_key"
        case .expired: return "expired_api_key"
        }
    }

    /// The client-facing message.
    public var message: String {
        switch self {
        case .missing:
            return "Missing API key. Send it in the Authorization header (`Authorization: Bearer lyr_live_...`) or in `x-api-key`."
        case .malformed(let problem):
            return "Invalid API key format. " + problem.explanation
        case .unknown:
            return "Invalid API key: no active key matches it. Check that it was copied in full."
        case .revoked:
            return "This API key has been revoked. Create a new key."
        case .expired:
            return "This API key has expired. Create a new key."
        }
    }
}
