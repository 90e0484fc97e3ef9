import LayersHTTP

/// Gives every response `x-layers-overhead-ms`. Pipelines set it themselves (total time minus time waiting on the
/// provider); for everything else (models, health, info, 404/405, refusals before any pipeline) the whole time
/// spent is the gateway's own.
struct OverheadHeaderMiddleware: HTTPMiddleware {
    nonisolated(nonsending) func handle(_ request: HTTPRequest, next: HTTPNext) async -> HTTPResponse {
        let start = ContinuousClock.now
        var response = await next(request)
        if !response.headers.contains("x-layers-overhead-ms") {
            response.headers.replaceOrAdd(name: "x-layers-overhead-ms",
                                          value: (ContinuousClock.now - start).millisecondsText)
        }
        return response
    }
}
