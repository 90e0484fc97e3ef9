/// Cross-origin resource sharing with an allowlist of origins.
///
/// When set on `HTTPServerConfiguration.cors`, the server answers preflights (`OPTIONS` with `Origin` and
/// `Access-Control-Request-Method`) itself and adds `Access-Control-Allow-Origin` (and friends) to responses for
/// allowed origins. Requests from other origins are served without CORS headers (the browser then blocks them);
/// their preflights get 403.
public struct CORSPolicy: Sendable {
    /// Exact origins (`https://app.example.com`); `"*"` allows any origin.
    public var allowedOrigins: Set<String>
    public var allowedMethods: [HTTPMethod]
    public var allowedHeaders: [String]
    public var exposedHeaders: [String]
    public var allowCredentials: Bool
    public var maxAgeSeconds: Int

    public init(
        allowedOrigins: Set<String>,
        allowedMethods: [HTTPMethod] = [.get, .post, .put, .patch, .delete, .options],
        allowedHeaders: [String] = ["authorization", "content-type", "x-request-id", "x-api-key"],
        exposedHeaders: [String] = ["x-request-id"],
        allowCredentials: Bool = false,
        maxAgeSeconds: Int = 600
    ) {
        self.allowedOrigins = allowedOrigins
        self.allowedMethods = allowedMethods
        self.allowedHeaders = allowedHeaders
        self.exposedHeaders = exposedHeaders
        self.allowCredentials = allowCredentials
        self.maxAgeSeconds = maxAgeSeconds
    }

    func isAllowed(origin: String) -> Bool {
        allowedOrigins.contains("*") || allowedOrigins.contains(origin)
    }

    private func allowOriginValue(_ origin: String) -> String {
        allowedOrigins.contains("*") && !allowCredentials ? "*" : origin
    }

    /// The server's answer to a preflight request, or `nil` when `request` is not a preflight.
    public func preflightResponse(for request: HTTPRequest) -> HTTPResponse? {
        guard request.method == .options, let origin = request.headers["origin"],
            let wanted = request.headers["access-control-request-method"]
        else { return nil }
        guard isAllowed(origin: origin), allowedMethods.contains(HTTPMethod(wanted)) else {
            return .error(.forbidden, message: "CORS preflight rejected for origin", code: "cors_rejected")
        }
        var headers = HTTPHeaders()
        headers["access-control-allow-origin"] = allowOriginValue(origin)
        headers["access-control-allow-methods"] = allowedMethods.map(\.rawValue).joined(separator: ", ")
        if let requested = request.headers["access-control-request-headers"] {
            let allowed = requested.split(separator: ",").map { $0.trimmingASCIISpaces().lowercased() }
                .filter { name in allowedHeaders.contains { $0.asciiCaseInsensitiveEquals(name) } }
            if !allowed.isEmpty { headers["access-control-allow-headers"] = allowed.joined(separator: ", ") }
        }
        headers["access-control-max-age"] = String(maxAgeSeconds)
        if allowCredentials { headers["access-control-allow-credentials"] = "true" }
        headers["vary"] = "Origin"
        return HTTPResponse(status: .noContent, headers: headers)
    }

    /// Adds the CORS response headers for an allowed `Origin`.
    public func decorate(_ response: inout HTTPResponse, for request: HTTPRequest) {
        guard let origin = request.headers["origin"] else { return }
        decorate(&response.headers, origin: origin)
    }

    /// Adds the CORS response headers when `origin` is allowed.
    public func decorate(_ headers: inout HTTPHeaders, origin: String) {
        guard isAllowed(origin: origin) else { return }
        headers["access-control-allow-origin"] = allowOriginValue(origin)
        if !exposedHeaders.isEmpty {
            headers["access-control-expose-headers"] = exposedHeaders.joined(separator: ", ")
        }
        if allowCredentials { headers["access-control-allow-credentials"] = "true" }
        if !allowedOrigins.contains("*") || allowCredentials { headers.add(name: "vary", value: "Origin") }
    }
}
