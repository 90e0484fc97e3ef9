import LayersCore
import LayersHTTP
import LayersModels

/// Step 4: the `model` id resolves to a chat model in the registry (404 with the closest ids otherwise), its
/// provider can serve it (503 when it has no key; test keys always go to the sandbox), and the margin it is
/// priced with is known.
public struct ResolveModelStep: PipelineStep {
    let services: GatewayServices

    nonisolated(nonsending) public func handle(_ context: RequestContext, next: PipelineNext) async throws -> HTTPResponse {
        let principal = try context.requirePrincipal()
        guard let id = context.body?["model"]?.stringValue else { throw LayersError.missingModel }
        guard let model = services.registry.model(id: id) else {
            throw LayersError.modelNotFound(model: id, suggestions: services.registry.suggestions(for: id))
        }
        guard model.kind == .chat else {
            throw LayersError.invalidRequest(
                message: "The model '\(model.id)' is a \(model.kind.rawValue) model; chat completions need a chat model",
                param: "model", code: "model_not_supported")
        }
        if !principal.isTest, let unavailable = services.liveBackend.availability(of: model) {
            throw unavailable
        }
        var context = context
        context.model = model
        context.margin = try await services.margin(for: model, principal: principal)
        return try await next(context)
    }
}
