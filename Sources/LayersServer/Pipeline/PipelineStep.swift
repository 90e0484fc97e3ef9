import LayersCore
import LayersHTTP

/// One step of the request pipeline. Like a Hummingbird middleware it can act before the rest of the chain
/// (and refuse by throwing a ``LayersError``), and after it (on the response).
///
/// The pipeline's async functions are `nonisolated(nonsending)`: they run on the executor of the request's task
/// (its event loop) without the hop to the generic executor that entering a plain nonisolated async function,
/// and coming back from one, costs. Conformers should declare `handle` the same way (a plain one works, through a
/// thunk that hops).
///
/// ```swift
/// struct Stamp: PipelineStep {
///     nonisolated(nonsending) func handle(_ context: RequestContext, next: PipelineNext) async throws -> HTTPResponse {
///         var response = try await next(context)
///         response.headers.add(name: "x-stamp", value: "1")
///         return response
///     }
/// }
/// ```
public protocol PipelineStep: Sendable {
    nonisolated(nonsending) func handle(_ context: RequestContext, next: PipelineNext) async throws -> HTTPResponse
}

/// The endpoint at the end of a pipeline.
public typealias PipelineEndpoint = nonisolated(nonsending) @Sendable (RequestContext) async throws -> HTTPResponse

/// Steps in front of an endpoint, run in order; errors that escape every step become OpenAI error responses.
/// Every response gets `x-layers-overhead-ms` (time in the gateway excluding time waiting on the provider).
public struct Pipeline: Sendable {
    private let chain: Chain
    public var steps: [any PipelineStep] { chain.steps }
    public var endpoint: PipelineEndpoint { chain.endpoint }

    public init(_ steps: [any PipelineStep], endpoint: @escaping PipelineEndpoint) {
        chain = Chain(steps: steps, endpoint: endpoint)
    }

    nonisolated(nonsending) public func respond(to request: HTTPRequest) async -> HTTPResponse {
        let context = RequestContext(request: request)
        var response: HTTPResponse
        do {
            response = try await PipelineNext(chain: chain, index: 0)(context)
        } catch {
            response = LayersError.from(error, requestID: request.requestID).httpResponse(requestID: request.requestID)
        }
        let total = ContinuousClock.now - context.startedAt
        let overhead = total - context.timing.upstreamDuration
        response.headers.replaceOrAdd(name: "x-layers-overhead-ms", value: overhead.millisecondsText)
        return response
    }

    /// The steps and the endpoint, shared by every ``PipelineNext`` of every request.
    final class Chain: Sendable {
        let steps: [any PipelineStep]
        let endpoint: PipelineEndpoint

        init(steps: [any PipelineStep], endpoint: @escaping PipelineEndpoint) {
            self.steps = steps
            self.endpoint = endpoint
        }
    }
}

/// The rest of the pipeline after a step: call it (`try await next(context)`) to run the following steps and
/// the endpoint. A value (the chain and a position), so handing it to a step allocates nothing.
public struct PipelineNext: Sendable {
    let chain: Pipeline.Chain
    let index: Int

    nonisolated(nonsending) public func callAsFunction(_ context: RequestContext) async throws -> HTTPResponse {
        guard index < chain.steps.count else { return try await chain.endpoint(context) }
        return try await chain.steps[index].handle(context, next: PipelineNext(chain: chain, index: index + 1))
    }
}
