import LayersCore
import LayersHTTP

/// One step of the request pipeline. Like a Hummingbird middleware it can act before the rest of the chain
/// (and refuse by throwing a ``LayersError``), and after it (on the response).
///
/// ```swift
/// struct Stamp: PipelineStep {
///     func handle(_ context: RequestContext, next: PipelineNext) async throws -> HTTPResponse {
///         var response = try await next(context)
///         response.headers.add(name: "x-stamp", value: "1")
///         return response
///     }
/// }
/// ```
public protocol PipelineStep: Sendable {
    func handle(_ context: RequestContext, next: PipelineNext) async throws -> HTTPResponse
}

/// The rest of the pipeline.
public typealias PipelineNext = @Sendable (RequestContext) async throws -> HTTPResponse

/// The endpoint at the end of a pipeline.
public typealias PipelineEndpoint = @Sendable (RequestContext) async throws -> HTTPResponse

/// Steps in front of an endpoint, run in order; errors that escape every step become OpenAI error responses.
/// Every response gets `x-layers-overhead-ms` (time in the gateway excluding time waiting on the provider).
public struct Pipeline: Sendable {
    public let steps: [any PipelineStep]
    public let endpoint: PipelineEndpoint

    public init(_ steps: [any PipelineStep], endpoint: @escaping PipelineEndpoint) {
        self.steps = steps
        self.endpoint = endpoint
    }

    public func respond(to request: HTTPRequest) async -> HTTPResponse {
        let context = RequestContext(request: request)
        var response: HTTPResponse
        do {
            response = try await run(context, from: 0)
        } catch {
            response = LayersError.from(error, requestID: request.requestID).httpResponse(requestID: request.requestID)
        }
        let total = ContinuousClock.now - context.startedAt
        let overhead = total - context.timing.upstreamDuration
        response.headers.replaceOrAdd(name: "x-layers-overhead-ms", value: overhead.millisecondsText)
        return response
    }

    private func run(_ context: RequestContext, from index: Int) async throws -> HTTPResponse {
        guard index < steps.count else { return try await endpoint(context) }
        return try await steps[index].handle(context) { next in try await self.run(next, from: index + 1) }
    }
}
