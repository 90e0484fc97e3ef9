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
    func send(_ request: UpstreamRequest, context: ProviderContext) async throws -> UpstreamResponse {
        let response: UpstreamResponse
        do { response = try await http.request(request) } catch { throw context.map(error) }
        guard (200..<300).contains(response.status) else {
            throw failure(status: response.status, headers: response.headers, body: response.body, context: context)
        }
        return response
    }

    /// An accepted stream (2xx); anything else throws the mapped `LayersError` after reading the error body.
    func open(_ request: UpstreamRequest, context: ProviderContext) async throws -> UpstreamStream {
        let stream: UpstreamStream
        do { stream = try await http.stream(request) } catch { throw context.map(error) }
        guard (200..<300).contains(stream.status) else {
            let body = (try? await stream.collect(limit: 1 << 20)) ?? []
            throw failure(status: stream.status, headers: stream.headers, body: body, context: context)
        }
        return stream
    }

    func failure(status: Int, headers: UpstreamHeaders, body: [UInt8], context: ProviderContext) -> LayersError {
        let parsed = errorMessage(status, body)
        let effectiveStatus = credentialFailure(status, body) ? 401 : status
        return context.httpError(status: effectiveStatus, message: parsed.message,
                                 retryAfter: retryAfterSeconds(headers) ?? parsed.retryAfter)
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
