import LayersCore
import LayersHTTP

/// Guards `/admin/*`: `Authorization: Bearer <LAYERS_ADMIN_TOKEN>`, compared in constant time. With no token
/// configured the admin API does not exist (404).
public struct AdminAuthStep: PipelineStep {
    let token: String?

    nonisolated(nonsending) public func handle(_ context: RequestContext, next: PipelineNext) async throws -> HTTPResponse {
        guard let token else {
            throw LayersError.notFound(message: "The admin API is disabled: set LAYERS_ADMIN_TOKEN to enable it.",
                                       code: "admin_disabled")
        }
        let header = context.request.headers["authorization"] ?? ""
        let presented = header.lowercased().hasPrefix("bearer ")
            ? String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces) : ""
        guard !presented.isEmpty else {
            throw LayersError.permissionDenied(
                message: "Admin endpoints need `Authorization: Bearer <LAYERS_ADMIN_TOKEN>`.", code: "admin_token_required")
        }
        guard ConstantTime.equals(presented, token) else {
            throw LayersError.permissionDenied(message: "Invalid admin token.", code: "invalid_admin_token")
        }
        return try await next(context)
    }
}
