import LayersCredits

/// Every error a client of the gateway can see: one case each, with its HTTP status, error
/// `type`, `code`, message, `param` and extra fields defined in one place
/// (`LayersError+Details.swift`), rendered to OpenAI's body (`openAIBody()`) or Anthropic's
/// (`anthropicBody()`).
///
/// Messages never contain a presented API key or an upstream provider key.
///
/// ```swift
/// throw LayersError.insufficientCredits(balance: balance, required: estimate)
/// ...
/// catch let error as LayersError {
///     respond(status: error.status, headers: error.headers, body: error.openAIBody().serializedBytes())
/// }
/// ```
public enum LayersError: Error, Sendable, Hashable {
    // MARK: 400
    /// A generic invalid request. `param` names the field (e.g. `messages[2].content`).
    case invalidRequest(message: String, param: String? = nil, code: String = "invalid_request")
    /// The body is not valid JSON (or not a JSON object).
    case invalidJSON(detail: String)
    /// `model` is missing.
    case missingModel
    /// `messages` is missing or empty.
    case missingMessages
    /// More messages than the configured maximum.
    case tooManyMessages(limit: Int, received: Int)
    /// One message's content is longer than the configured maximum (characters).
    case messageTooLong(index: Int, limit: Int, received: Int)
    /// The pre-flight estimate exceeds the per-request credit cap.
    case costLimitExceeded(estimated: MicroCredits, limit: MicroCredits)
    /// The provider refused the request as invalid (its status was 400-class); its message is passed on.
    case providerRejectedRequest(provider: String, model: String? = nil, message: String)

    // MARK: 401
    /// The key was missing, malformed, unknown, revoked or expired.
    case authentication(AuthenticationFailure)

    // MARK: 402
    /// The balance (minus reservations) cannot cover the estimate.
    case insufficientCredits(balance: MicroCredits, required: MicroCredits)
    /// The key's spend this calendar month (UTC) plus the estimate would exceed the key's monthly budget.
    case keyBudgetExceeded(budget: MicroCredits, spent: MicroCredits, required: MicroCredits)

    // MARK: 403
    /// Authenticated but not allowed (e.g. an admin route without the admin token).
    case permissionDenied(message: String, code: String = "permission_denied")

    // MARK: 404
    /// An unknown model id, with the closest known ids.
    case modelNotFound(model: String, suggestions: [String])
    /// Any other missing resource (route, key, user).
    case notFound(message: String, code: String = "not_found")

    // MARK: 405
    /// The path exists but not for this method.
    case methodNotAllowed(method: String, allowed: [String])

    // MARK: 413
    /// The request body is larger than the server accepts.
    case payloadTooLarge(limitBytes: Int)

    // MARK: 422
    /// Well-formed JSON whose values cannot be processed (e.g. a model that cannot do what was asked).
    case unprocessable(message: String, param: String? = nil, code: String = "unprocessable_entity")

    // MARK: 429
    /// The key's owner exceeded their request rate.
    case rateLimited(limit: Int, retryAfterSeconds: Int)
    /// The upstream provider rate-limited us; its Retry-After is passed on.
    case providerRateLimited(provider: String, model: String? = nil, retryAfterSeconds: Int?, message: String)

    // MARK: 500
    /// A bug or unexpected failure inside the gateway. Details go to the log, not the client.
    case internalError(requestID: String? = nil)

    // MARK: 502
    /// The provider failed (5xx, an unreadable answer, an error event mid-stream); its message is passed on.
    case providerError(provider: String, model: String? = nil, message: String, upstreamStatus: Int? = nil)

    // MARK: 503
    /// The model's provider has no API key configured on this gateway.
    case providerNotConfigured(provider: String, model: String)
    /// The provider said it is overloaded (e.g. Anthropic's 529, a 503).
    case providerOverloaded(provider: String, model: String? = nil, retryAfterSeconds: Int? = nil)
    /// The gateway itself cannot serve now (database unreachable, shutting down).
    case serviceUnavailable(message: String, retryAfterSeconds: Int? = nil)

    // MARK: 504
    /// The provider did not answer in time.
    case upstreamTimeout(provider: String, model: String? = nil, phase: UpstreamTimeoutPhase)
}
