import LayersCore

/// The upstream calls of the image and embedding adapters: JSON in, JSON out, provider failures turned into
/// `MediaError`s that name the provider and model and pass on the provider's message (never a key).
struct MediaHTTP: Sendable {
    let client: UpstreamHTTPClient
    /// Provider name for messages ("BFL", "OpenAI", …).
    let provider: String
    /// Gateway model id for messages.
    let model: String
    var timeouts: UpstreamTimeouts = UpstreamTimeouts(connect: .seconds(10), firstByte: .seconds(300),
                                                      total: .seconds(330), idle: .seconds(300))

    /// Sends a request and returns the raw response (any status).
    func send(method: String = "POST", url: String, headers: [HTTPHeader],
              body: JSONValue? = nil) async throws(MediaError) -> UpstreamResponse {
        var all = headers
        if body != nil { all.append(HTTPHeader("content-type", "application/json")) }
        all.append(HTTPHeader("accept", "application/json"))
        let request = UpstreamRequest(method: method, url: url, headers: all, body: body?.serializedBytes() ?? [],
                                      timeouts: timeouts)
        do {
            return try await client.request(request)
        } catch let error as UpstreamError {
            throw transportError(error)
        } catch {
            throw MediaError(status: 502, type: "provider_error", code: "upstream_unreachable",
                             message: "\(provider) could not be reached for \(model)")
        }
    }

    /// Sends a JSON request and parses a 2xx JSON answer; anything else throws the mapped error.
    func json(method: String = "POST", url: String, headers: [HTTPHeader],
              body: JSONValue? = nil) async throws(MediaError) -> JSONValue {
        let response = try await send(method: method, url: url, headers: headers, body: body)
        guard (200..<300).contains(response.status) else { throw providerError(response) }
        guard let parsed = try? JSONValue.parse(response.body) else {
            throw .badUpstream(provider: provider, model: model, "the body is not JSON")
        }
        return parsed
    }

    /// Fetches bytes (a generated image) with a GET; no credentials are sent.
    func bytes(url: String) async throws(MediaError) -> (bytes: [UInt8], contentType: String?) {
        let response = try await send(method: "GET", url: url, headers: [])
        guard (200..<300).contains(response.status) else {
            throw MediaError(status: 502, type: "provider_error", code: "image_fetch_failed",
                             message: "\(provider) image download for \(model) failed with status \(response.status)")
        }
        return (response.body, response.headers["content-type"])
    }

    func transportError(_ error: UpstreamError) -> MediaError {
        if error.isTimeout {
            return MediaError(status: 504, type: "timeout_error", code: "upstream_timeout",
                              message: "\(provider) timed out for \(model): \(error)")
        }
        return MediaError(status: 502, type: "provider_error", code: "upstream_unreachable",
                          message: "\(provider) failed for \(model): \(error)")
    }

    /// A provider's non-2xx answer: 400/404/413/422 stay client errors with the provider's message, 429 keeps
    /// its Retry-After, 401/403 (our upstream key) and other 5xx become 502, 503/529 become 503.
    func providerError(_ response: UpstreamResponse) -> MediaError {
        let detail = Self.message(from: response.body) ?? "status \(response.status)"
        let message = "\(provider) error for \(model): \(detail)"
        switch response.status {
        case 400, 404, 409, 413, 422:
            return MediaError(status: 400, type: "invalid_request_error", code: "provider_rejected_request",
                              message: message)
        case 429:
            return MediaError(status: 429, type: "rate_limit_error", code: "provider_rate_limited", message: message,
                              retryAfter: response.headers["retry-after"])
        case 401, 403:
            return MediaError(status: 502, type: "provider_error", code: "provider_auth_failed",
                              message: "\(provider) rejected the gateway's credentials for \(model)")
        case 503, 529:
            return MediaError(status: 503, type: "provider_error", code: "provider_overloaded", message: message)
        default:
            return MediaError(status: 502, type: "provider_error", code: "provider_error", message: message)
        }
    }

    /// The human message in a provider error body: OpenAI/Gemini `error.message`, BFL/FastAPI `detail`
    /// (string or list of `{msg}`), Recraft `message`, or a short plain-text body.
    static func message(from body: [UInt8]) -> String? {
        guard !body.isEmpty else { return nil }
        guard let json = try? JSONValue.parse(body) else {
            let text = String(decoding: body.prefix(300), as: UTF8.self)
            return text.isEmpty ? nil : text
        }
        if let m = json["error"]?["message"]?.stringValue { return m }
        if let m = json["error"]?.stringValue { return m }
        if let m = json["detail"]?.stringValue { return m }
        if let list = json["detail"]?.arrayValue {
            let msgs = list.compactMap { $0["msg"]?.stringValue }
            if !msgs.isEmpty { return msgs.joined(separator: "; ") }
        }
        if let m = json["message"]?.stringValue { return m }
        return nil
    }
}
