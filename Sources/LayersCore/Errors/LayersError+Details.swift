import LayersCredits

extension LayersError {
    /// Where `modelNotFound` points clients for the list of models.
    public static let modelsListPath = "/v1/models"

    /// The HTTP status of the OpenAI-compatible response.
    public var status: Int {
        switch self {
        case .invalidRequest, .invalidJSON, .missingModel, .missingMessages, .tooManyMessages,
             .messageTooLong, .costLimitExceeded, .providerRejectedRequest:
            return 400
        case .authentication: return 401
        case .insufficientCredits, .keyBudgetExceeded: return 402
        case .permissionDenied: return 403
        case .modelNotFound, .notFound: return 404
        case .methodNotAllowed: return 405
        case .payloadTooLarge: return 413
        case .unprocessable: return 422
        case .rateLimited, .providerRateLimited: return 429
        case .internalError: return 500
        case .providerError: return 502
        case .providerNotConfigured, .providerOverloaded, .serviceUnavailable: return 503
        case .upstreamTimeout: return 504
        }
    }

    /// The OpenAI error `type`.
    public var type: String {
        switch status {
        case 401: return "authentication_error"
        case 402: return "insufficient_quota"
        case 403: return "permission_error"
        case 429: return "rate_limit_error"
        case 500: return "server_error"
        case 502: return "provider_error"
        case 503: return "service_unavailable"
        case 504: return "timeout_error"
        default: return "invalid_request_error"
        }
    }

    /// The machine-readable error `code`.
    public var code: String {
        switch self {
        case .invalidRequest(_, _, let code): return code
        case .invalidJSON: return "invalid_json"
        case .missingModel, .missingMessages: return "missing_required_parameter"
        case .tooManyMessages: return "too_many_messages"
        case .messageTooLong: return "message_too_long"
        case .costLimitExceeded: return "request_cost_limit_exceeded"
        case .providerRejectedRequest: return "provider_invalid_request"
        case .authentication(let failure): return failure.code
        case .insufficientCredits: return "insufficient_credits"
        case .keyBudgetExceeded: return "key_budget_exceeded"
        case .permissionDenied(_, let code): return code
        case .modelNotFound: return "model_not_found"
        case .notFound(_, let code): return code
        case .methodNotAllowed: return "method_not_allowed"
        case .payloadTooLarge: return "request_too_large"
        case .unprocessable(_, _, let code): return code
        case .rateLimited: return "rate_limit_exceeded"
        case .providerRateLimited: return "provider_rate_limited"
        case .internalError: return "internal_error"
        case .providerError: return "provider_error"
        case .providerNotConfigured: return "provider_not_configured"
        case .providerOverloaded: return "provider_overloaded"
        case .serviceUnavailable: return "service_unavailable"
        case .upstreamTimeout: return "upstream_timeout"
        }
    }

    /// The request field at fault, when there is one.
    public var param: String? {
        switch self {
        case .invalidRequest(_, let param, _), .unprocessable(_, let param, _): return param
        case .missingModel, .modelNotFound: return "model"
        case .missingMessages, .tooManyMessages: return "messages"
        case .messageTooLong(let index, _, _): return "messages[\(index)].content"
        case .costLimitExceeded: return "max_tokens"
        default: return nil
        }
    }

    /// The human-readable message. Never contains a key.
    public var message: String {
        switch self {
        case .invalidRequest(let message, _, _), .unprocessable(let message, _, _),
             .permissionDenied(let message, _), .notFound(let message, _):
            return message
        case .invalidJSON(let detail):
            return "The request body is not valid JSON: \(detail)"
        case .missingModel:
            return "Model is required"
        case .missingMessages:
            return "Messages array is required and must not be empty"
        case .tooManyMessages(let limit, let received):
            return "Too many messages in conversation: \(received) messages, the maximum is \(limit)"
        case .messageTooLong(let index, let limit, let received):
            return "Message content exceeds maximum length: messages[\(index)].content has \(received) characters, the maximum is \(limit)"
        case .costLimitExceeded(let estimated, let limit):
            return "Request exceeds maximum cost per request: estimated \(estimated.decimalString) credits, the maximum is \(limit.decimalString). Reduce max_tokens or use a more economical model"
        case .providerRejectedRequest(let provider, let model, let message):
            return "\(Self.providerLabel(provider, model)) rejected the request: \(message)"
        case .authentication(let failure):
            return failure.message
        case .insufficientCredits(let balance, let required):
            return "Insufficient credits: this request needs up to \(required.decimalString) credits and the available balance is \(balance.decimalString)"
        case .keyBudgetExceeded(let budget, let spent, let required):
            return "Key budget exceeded: this API key has spent \(spent.decimalString) of its monthly budget of \(budget.decimalString) credits and this request needs up to \(required.decimalString) more. Raise the key's budget or wait for the next month (UTC)"
        case .modelNotFound(let model, let suggestions):
            let hint = suggestions.isEmpty ? "" : " Did you mean " + suggestions.map { "'\($0)'" }.joined(separator: ", ") + "?"
            return "The model '\(model)' does not exist.\(hint) GET \(Self.modelsListPath) lists the available models."
        case .methodNotAllowed(let method, let allowed):
            return "Method \(method) is not allowed on this path. Allowed: \(allowed.joined(separator: ", "))"
        case .payloadTooLarge(let limit):
            return "Request body is too large: the maximum is \(limit) bytes"
        case .rateLimited(let limit, let retryAfter):
            return "Rate limit exceeded: \(limit) requests per minute. Retry after \(retryAfter) seconds"
        case .providerRateLimited(let provider, let model, let retryAfter, let message):
            let retry = retryAfter.map { " Retry after \($0) seconds." } ?? ""
            return "\(Self.providerLabel(provider, model)) is rate limiting requests: \(message)\(retry)"
        case .internalError:
            return "Internal server error"
        case .providerError(let provider, let model, let message, let upstreamStatus):
            let status = upstreamStatus.map { " (HTTP \($0))" } ?? ""
            return "\(Self.providerLabel(provider, model)) returned an error\(status): \(message)"
        case .providerNotConfigured(let provider, let model):
            return "The provider '\(provider)' for model '\(model)' is not configured on this gateway (no API key set)"
        case .providerOverloaded(let provider, let model, _):
            return "\(Self.providerLabel(provider, model)) is overloaded. Retry later"
        case .serviceUnavailable(let message, _):
            return message
        case .upstreamTimeout(let provider, let model, let phase):
            return "\(Self.providerLabel(provider, model)) \(phase.sentence)"
        }
    }

    /// Fields added next to `message`/`type`/`param`/`code` in the error object. Credit
    /// amounts are exact decimal credit numbers (`3.36`), as in the original Layers.
    public var extraFields: JSONObject {
        var extra = JSONObject()
        switch self {
        case .tooManyMessages(let limit, let received):
            extra["max_messages"] = JSONValue(limit)
            extra["received"] = JSONValue(received)
        case .messageTooLong(let index, let limit, let received):
            extra["max_length"] = JSONValue(limit)
            extra["message_index"] = JSONValue(index)
            extra["received_length"] = JSONValue(received)
        case .costLimitExceeded(let estimated, let limit):
            extra["max_credits"] = Self.credits(limit)
            extra["estimated_credits"] = Self.credits(estimated)
        case .insufficientCredits(let balance, let required):
            extra["balance"] = Self.credits(balance)
            extra["required"] = Self.credits(required)
        case .keyBudgetExceeded(let budget, let spent, let required):
            extra["budget"] = Self.credits(budget)
            extra["spent"] = Self.credits(spent)
            extra["required"] = Self.credits(required)
        case .modelNotFound(_, let suggestions):
            extra["suggestions"] = .array(suggestions.map(JSONValue.string))
            extra["models_url"] = .string(Self.modelsListPath)
        case .methodNotAllowed(_, let allowed):
            extra["allowed_methods"] = .array(allowed.map(JSONValue.string))
        case .payloadTooLarge(let limit):
            extra["max_bytes"] = JSONValue(limit)
        case .rateLimited(let limit, let retryAfter):
            extra["limit"] = JSONValue(limit)
            extra["retry_after"] = JSONValue(retryAfter)
        case .providerRateLimited(let provider, let model, let retryAfter, _):
            Self.addProvider(provider, model, to: &extra)
            if let retryAfter { extra["retry_after"] = JSONValue(retryAfter) }
        case .internalError(let requestID):
            if let requestID { extra["request_id"] = .string(requestID) }
        case .providerRejectedRequest(let provider, let model, _):
            Self.addProvider(provider, model, to: &extra)
        case .providerNotConfigured(let provider, let model):
            Self.addProvider(provider, model, to: &extra)
        case .providerError(let provider, let model, _, let upstreamStatus):
            Self.addProvider(provider, model, to: &extra)
            if let upstreamStatus { extra["provider_status"] = JSONValue(upstreamStatus) }
        case .providerOverloaded(let provider, let model, let retryAfter):
            Self.addProvider(provider, model, to: &extra)
            if let retryAfter { extra["retry_after"] = JSONValue(retryAfter) }
        case .serviceUnavailable(_, let retryAfter):
            if let retryAfter { extra["retry_after"] = JSONValue(retryAfter) }
        case .upstreamTimeout(let provider, let model, let phase):
            Self.addProvider(provider, model, to: &extra)
            extra["timeout"] = .string(phase.rawValue)
        case .invalidRequest, .invalidJSON, .missingModel, .missingMessages, .authentication,
             .permissionDenied, .notFound, .unprocessable:
            break
        }
        return extra
    }

    /// Seconds the client should wait before retrying, when the error says so.
    public var retryAfterSeconds: Int? {
        switch self {
        case .rateLimited(_, let seconds): return seconds
        case .providerRateLimited(_, _, let seconds, _), .providerOverloaded(_, _, let seconds),
             .serviceUnavailable(_, let seconds):
            return seconds
        default: return nil
        }
    }

    /// Response headers that belong to the error: `Retry-After` for 429/503 when known,
    /// `Allow` for 405, `WWW-Authenticate` for 401.
    public var headers: [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        if let seconds = retryAfterSeconds { headers.append(("Retry-After", String(max(0, seconds)))) }
        if case .methodNotAllowed(_, let allowed) = self { headers.append(("Allow", allowed.joined(separator: ", "))) }
        if case .authentication = self { headers.append(("WWW-Authenticate", "Bearer")) }
        return headers
    }

    // MARK: - Helpers

    static func credits(_ amount: MicroCredits) -> JSONValue {
        .number(JSONNumber(decimalLiteral: amount.decimalString) ?? JSONNumber(amount.rawValue))
    }

    private static func providerLabel(_ provider: String, _ model: String?) -> String {
        guard let model, !model.isEmpty else { return "Provider '\(provider)'" }
        return "Provider '\(provider)' (model '\(model)')"
    }

    private static func addProvider(_ provider: String, _ model: String?, to extra: inout JSONObject) {
        extra["provider"] = .string(provider)
        if let model { extra["model"] = .string(model) }
    }
}

extension LayersError: CustomStringConvertible {
    /// `"<status> <code>: <message>"`, for logs.
    public var description: String { "\(status) \(code): \(message)" }
}
