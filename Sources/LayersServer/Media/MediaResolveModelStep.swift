import LayersCore
import LayersHTTP
import LayersModels

/// Resolves `model` for the image and embeddings endpoints: a registry id (404 with the closest ids otherwise)
/// of the right kind (image models, and chat models that generate images, for images; embedding models for
/// embeddings), and the margin it is priced with.
struct MediaResolveModelStep: PipelineStep {
    enum Purpose: Sendable {
        case images
        case embeddings

        func accepts(_ model: ModelInfo) -> Bool {
            switch self {
            case .images: return model.kind == .image || (model.kind == .chat && model.has(.imageGen))
            case .embeddings: return model.kind == .embedding
            }
        }

        var noun: String { self == .images ? "image generation" : "embeddings" }
    }

    let services: GatewayServices
    let purpose: Purpose

    nonisolated(nonsending) func handle(_ context: RequestContext, next: PipelineNext) async throws -> HTTPResponse {
        let principal = try context.requirePrincipal()
        guard let id = context.body?["model"]?.stringValue, !id.isEmpty else { throw LayersError.missingModel }
        guard let model = services.registry.model(id: id) else {
            throw LayersError.modelNotFound(model: id, suggestions: services.registry.suggestions(for: id))
        }
        guard purpose.accepts(model) else {
            throw LayersError.invalidRequest(
                message: "The model '\(model.id)' is a \(model.kind.rawValue) model and cannot do \(purpose.noun)",
                param: "model", code: "model_not_supported")
        }
        var context = context
        context.model = model
        context.margin = try await services.margin(for: model, principal: principal)
        return try await next(context)
    }
}
