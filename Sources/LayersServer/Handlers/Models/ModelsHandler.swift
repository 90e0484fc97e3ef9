import LayersCore
import LayersHTTP
import LayersModels

/// `GET /v1/models` (OpenAI list shape; optional `?kind=`, `?provider=`, `?capability=` filters, repeatable
/// capability meaning all-of) and `GET /v1/models/{id}`.
struct ModelsHandler: Sendable {
    let registry: ModelRegistry

    func list(_ request: HTTPRequest) -> HTTPResponse {
        var models = registry.all
        if let kind = request.queryValue("kind") { models = models.filter { $0.kind.rawValue == kind } }
        if let provider = request.queryValue("provider") {
            models = models.filter { $0.provider.rawValue == provider.lowercased() }
        }
        let wanted = request.query.filter { $0.0 == "capability" }.map(\.1)
        for name in wanted {
            guard let capability = Capability(name: name) else {
                return LayersError.invalidRequest(message: "Unknown capability '\(name)'", param: "capability")
                    .httpResponse(requestID: request.requestID)
            }
            models = models.filter { $0.has(capability) }
        }
        let body: JSONValue = ["object": "list", "data": .array(models.map(ModelJSON.render))]
        return .json(body)
    }

    func get(_ request: HTTPRequest) -> HTTPResponse {
        // Ids contain a slash (`openai/gpt-4o`), so the route captures the rest of the path.
        let id = request.pathParameters["id"] ?? ""
        guard let model = registry.model(id: id) else {
            return LayersError.modelNotFound(model: id, suggestions: registry.suggestions(for: id))
                .httpResponse(requestID: request.requestID)
        }
        return .json(ModelJSON.render(model))
    }
}
