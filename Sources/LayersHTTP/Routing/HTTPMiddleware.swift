/// A step in front of a responder that can act before and after the rest of the chain, or answer at once.
///
/// ```swift
/// struct Timing: HTTPMiddleware {
///     nonisolated(nonsending) func handle(_ request: HTTPRequest, next: HTTPNext) async -> HTTPResponse {
///         let start = ContinuousClock.now
///         var response = await next(request)
///         response.headers["x-elapsed"] = "\(ContinuousClock.now - start)"
///         return response
///     }
/// }
/// ```
public protocol HTTPMiddleware: Sendable {
    nonisolated(nonsending) func handle(_ request: HTTPRequest, next: HTTPNext) async -> HTTPResponse
}

/// The rest of a middleware chain.
public typealias HTTPNext = nonisolated(nonsending) @Sendable (HTTPRequest) async -> HTTPResponse

/// A middleware made from a closure.
public struct ClosureMiddleware: HTTPMiddleware {
    private let body: @Sendable (HTTPRequest, HTTPNext) async -> HTTPResponse

    public init(_ body: @escaping @Sendable (HTTPRequest, HTTPNext) async -> HTTPResponse) {
        self.body = body
    }

    nonisolated(nonsending) public func handle(_ request: HTTPRequest, next: HTTPNext) async -> HTTPResponse {
        await body(request, next)
    }
}

/// A responder wrapped by middlewares; the first middleware in the array runs first.
public struct MiddlewareResponder: HTTPResponder {
    public let middlewares: [any HTTPMiddleware]
    public let responder: any HTTPResponder

    public init(middlewares: [any HTTPMiddleware], responder: any HTTPResponder) {
        self.middlewares = middlewares
        self.responder = responder
    }

    nonisolated(nonsending) public func respond(to request: HTTPRequest) async -> HTTPResponse {
        await run(request, from: 0)
    }

    nonisolated(nonsending) private func run(_ request: HTTPRequest, from index: Int) async -> HTTPResponse {
        guard index < middlewares.count else { return await responder.respond(to: request) }
        return await middlewares[index].handle(request) { next in await self.run(next, from: index + 1) }
    }
}
