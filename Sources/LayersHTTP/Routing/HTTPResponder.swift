/// Anything that answers requests. Errors are the responder's job: it always returns a response.
///
/// `respond` is `nonisolated(nonsending)`: it runs on the connection task's executor without hopping to the
/// generic executor and back (as do the router, middlewares and handlers).
public protocol HTTPResponder: Sendable {
    nonisolated(nonsending) func respond(to request: HTTPRequest) async -> HTTPResponse
}

/// A responder made from a closure.
public struct ClosureResponder: HTTPResponder {
    private let body: @Sendable (HTTPRequest) async -> HTTPResponse

    public init(_ body: @escaping @Sendable (HTTPRequest) async -> HTTPResponse) {
        self.body = body
    }

    nonisolated(nonsending) public func respond(to request: HTTPRequest) async -> HTTPResponse {
        await body(request)
    }
}
