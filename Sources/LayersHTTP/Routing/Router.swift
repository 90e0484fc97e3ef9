/// Routes requests by method and path pattern, with middlewares around every route.
///
/// ```swift
/// var router = Router()
/// router.add(.get, "/health") { _ in .text("ok") }
/// router.add(.post, "/v1/models/:id") { request in
///     .json(Array("{\"id\":\"\(request.pathParameters["id"]!)\"}".utf8))
/// }
/// let server = HTTPServer(configuration: .init(port: 8080), responder: router)
/// ```
/// Unknown paths answer 404; a known path with another method answers 405 with `Allow`. `HEAD` falls back to
/// the `GET` route (the server drops the body). `OPTIONS` without a route answers 204 with `Allow`
/// (CORS preflights are answered by the server when `HTTPServerConfiguration.cors` is set).
public struct Router: HTTPResponder {
    public typealias Handler = nonisolated(nonsending) @Sendable (HTTPRequest) async -> HTTPResponse

    struct Route: Sendable {
        let method: HTTPMethod
        let pattern: RoutePattern
        let handler: Handler
    }

    private var routes: [Route] = []
    /// Fast path for literal routes: path -> (method, route index) for every literal route that no earlier
    /// route with parameters could shadow, so an exact path needs neither splitting nor a scan.
    private var literalRoutes: [String: [(method: HTTPMethod, index: Int)]] = [:]
    private var middlewares: [any HTTPMiddleware] = []
    /// Answers unknown paths; defaults to an OpenAI-style 404 error.
    public var notFound: Handler = { request in
        .error(.notFound, message: "No route for \(request.method) \(request.path)", code: "not_found")
    }

    /// Answers a known path asked with a method it does not serve (the router adds `Allow`); defaults to an
    /// OpenAI-style 405 error.
    public var methodNotAllowed: Handler = { request in
        .error(.methodNotAllowed, message: "Method \(request.method) is not allowed for \(request.path)",
               code: "method_not_allowed")
    }

    public init() {}

    /// Adds a route. Later routes never shadow earlier ones: the first match wins.
    public mutating func add(_ method: HTTPMethod, _ pattern: String, _ handler: @escaping Handler) {
        let route = Route(method: method, pattern: RoutePattern(pattern), handler: handler)
        if let path = route.pattern.literalPath {
            let segments = path.split(separator: "/", omittingEmptySubsequences: true)
            let shadowed = routes.contains { !$0.pattern.isLiteral && $0.pattern.match(segments) != nil }
            if !shadowed && !(literalRoutes[path]?.contains { $0.method == method } ?? false) {
                literalRoutes[path, default: []].append((method, routes.count))
            }
        }
        routes.append(route)
    }

    /// Adds a route served by a responder.
    public mutating func add(_ method: HTTPMethod, _ pattern: String, responder: any HTTPResponder) {
        add(method, pattern) { await responder.respond(to: $0) }
    }

    /// Adds a middleware around every route (including 404/405 answers). The first added runs first.
    public mutating func use(_ middleware: any HTTPMiddleware) {
        middlewares.append(middleware)
    }

    nonisolated(nonsending) public func respond(to request: HTTPRequest) async -> HTTPResponse {
        if middlewares.isEmpty { return await route(request) }
        let chain = MiddlewareResponder(middlewares: middlewares, responder: ClosureResponder { await self.route($0) })
        return await chain.respond(to: request)
    }

    nonisolated(nonsending) private func route(_ request: HTTPRequest) async -> HTTPResponse {
        if let candidates = literalRoutes[request.path] {
            for candidate in candidates where candidate.method == request.method {
                return await routes[candidate.index].handler(request)
            }
        }
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: true)
        var allowed: [HTTPMethod] = []
        var headFallback: (Route, [String: String])?
        for route in routes {
            guard let parameters = route.pattern.match(segments) else { continue }
            if route.method == request.method {
                var routed = request
                routed.pathParameters = parameters
                return await route.handler(routed)
            }
            if request.method == .head, route.method == .get, headFallback == nil { headFallback = (route, parameters) }
            if !allowed.contains(route.method) { allowed.append(route.method) }
        }
        if let (route, parameters) = headFallback {
            var routed = request
            routed.pathParameters = parameters
            return await route.handler(routed)
        }
        if allowed.isEmpty { return await notFound(request) }
        if allowed.contains(.get) && !allowed.contains(.head) { allowed.append(.head) }
        let allow = (allowed + [.options]).map(\.rawValue).joined(separator: ", ")
        if request.method == .options {
            return HTTPResponse(status: .noContent, headers: ["allow": allow])
        }
        var response = await methodNotAllowed(request)
        response.headers["allow"] = allow
        return response
    }
}
