/// A failure of an image or embeddings call, ready to answer: HTTP status, OpenAI error `type` and `code`,
/// the offending `param`, and a message that names the provider and model where one is involved (never a key).
///
/// ```swift
/// throw MediaError.invalidRequest("size '333x333' is not supported by openai/dall-e-3", param: "size")
/// ```
public struct MediaError: Error, Sendable, Hashable, CustomStringConvertible {
    public var status: Int
    /// OpenAI error type: `invalid_request_error`, `provider_error`, `timeout_error`, `configuration_error`, ….
    public var type: String
    /// Machine-readable code, e.g. `unsupported_size`, `content_moderated`, `generation_timeout`.
    public var code: String
    public var param: String?
    public var message: String
    /// A `Retry-After` value to pass on (provider 429s).
    public var retryAfter: String?

    public init(status: Int, type: String, code: String, param: String? = nil, message: String,
                retryAfter: String? = nil) {
        self.status = status
        self.type = type
        self.code = code
        self.param = param
        self.message = message
        self.retryAfter = retryAfter
    }

    /// 400 for a request the gateway or the model cannot do.
    public static func invalidRequest(_ message: String, param: String? = nil,
                                      code: String = "invalid_request") -> MediaError {
        MediaError(status: 400, type: "invalid_request_error", code: code, param: param, message: message)
    }

    /// 503 when the model's provider has no key configured (and no AI Gateway key either).
    public static func notConfigured(provider: String, model: String, keyVariable: String) -> MediaError {
        MediaError(status: 503, type: "configuration_error", code: "provider_not_configured",
                   message: "The \(provider) provider is not configured for model \(model): set \(keyVariable) (or AI_GATEWAY_API_KEY).")
    }

    /// 502 for a provider answer we cannot use.
    public static func badUpstream(provider: String, model: String, _ detail: String) -> MediaError {
        MediaError(status: 502, type: "provider_error", code: "bad_upstream_response",
                   message: "\(provider) returned an unusable response for \(model): \(detail)")
    }

    public var description: String { "\(status) \(code): \(message)" }
}
