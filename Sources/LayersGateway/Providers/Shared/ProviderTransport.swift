import LayersCore

/// Sends provider requests through the shared `UpstreamHTTPClient` and turns non-2xx answers into errors.
struct ProviderTransport: Sendable {
    let http: UpstreamHTTPClient
    /// Extracts the provider's message (and an optional retry delay from the body) from an error answer.
    let errorMessage: @Sendable (Int, [UInt8]) -> (message: String, retryAfter: Int?)
    /// Upstream statuses that mean "our credentials were refused" even if not 401/403 (Gemini answers 400).
    let credentialFailure: @Sendable (Int, [UInt8]) -> Bool

    init(http: UpstreamHTTPClient,
         errorMessage: @escaping @Sendable (Int, [UInt8]) -> (message: String, retryAfter: Int?),
         credentialFailure: @escaping @Sendable (Int, [UInt8]) -> Bool = { _, _ in false }) {
        self.http = http
        self.errorMessage = errorMessage
        self.credentialFailure = credentialFailure
    }

    /// A whole response with a 2xx status; anything else throws the mapped `LayersError`.
    nonisolated(nonsending) func send(_ request: UpstreamRequest, context: ProviderContext) async throws -> UpstreamResponse {
        let response: UpstreamResponse
        do { response = try await http.request(request) } catch { throw context.map(error) }
        guard (200..<300).contains(response.status) else {
            throw failure(status: response.status, headers: response.headers, body: response.body, context: context)
        }
        return response
    }

    /// An accepted stream (2xx); anything else throws the mapped `LayersError` after reading the error body.
    nonisolated(nonsending) func open(_ request: UpstreamRequest, context: ProviderContext) async throws -> UpstreamStream {
        let stream: UpstreamStream
        do { stream = try await http.stream(request) } catch { throw context.map(error) }
        guard (200..<300).contains(stream.status) else {
            let body = (try? await stream.collect(limit: 1 << 20)) ?? []
            throw failure(status: stream.status, headers: stream.headers, body: body, context: context)
        }
        return stream
    }

    func failure(status: Int, headers: UpstreamHeaders, body: [UInt8], context: ProviderContext) -> LayersError {
        if Self.isAccountFailure(status: status, body: body) {
            // Our provider account is out of credit or quota: not the client's fault, and retrying will not help.
            // The provider's text is not passed on (it describes the operator's account).
            return .providerError(provider: context.provider, model: context.model,
                                  message: "the provider refused the gateway's account (billing or quota exhausted); "
                                      + "the operator must check it", upstreamStatus: status)
        }
        let parsed = errorMessage(status, body)
        let effectiveStatus = credentialFailure(status, body) ? 401 : status
        return context.httpError(status: effectiveStatus, message: parsed.message,
                                 retryAfter: retryAfterSeconds(headers) ?? parsed.retryAfter)
    }
}

extension ProviderTransport {
    /// Answers that mean the gateway's own provider account cannot pay: HTTP 402 (OpenRouter, Vercel and other
    /// gateways), OpenAI's 429 `insufficient_quota` (a quota, not a rate: waiting does not help), and Anthropic's
    /// 400 "credit balance is too low".
    static func isAccountFailure(status: Int, body: [UInt8]) -> Bool {
        switch status {
        case 402: return true
        case 429, 400:
            guard body.count < 64 << 10 else { return false }
            let text = String(decoding: body, as: UTF8.self)
            return status == 429 ? text.contains("insufficient_quota") : text.contains("credit balance is too low")
        default: return false
        }
    }
}

extension JSONValue {
    /// Parses bytes, or nil.
    static func parseOrNil(_ bytes: [UInt8]) -> JSONValue? { try? JSONValue.parse(bytes) }
}

/// A short, single-line excerpt of an unparseable error body.
func bodyExcerpt(_ body: [UInt8], status: Int) -> String {
    let text = String(decoding: body.prefix(300), as: UTF8.self)
        .split(whereSeparator: \.isNewline).joined(separator: " ")
    return text.isEmpty ? "HTTP \(status)" : text
}
