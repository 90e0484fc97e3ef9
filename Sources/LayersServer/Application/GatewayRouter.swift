import LayersCore
import LayersHTTP

/// Wires every endpoint to its pipeline.
///
/// | route | pipeline |
/// |---|---|
/// | `POST /v1/chat/completions`, `/api/v1/chat`, `/api/v1/chat/completions` | authenticate → rate limit → validate → resolve model → key budget → reserve → provider + settle |
/// | `GET /api/balance`, `/api/usage`, `GET/POST /api/keys`, `DELETE /api/keys/{id}`, `POST /api/keys/{id}/budget` | authenticate → rate limit → handler |
/// | `GET /v1/models`, `/v1/models/{id}`, `/health`, `/api/v1/chat` | public |
/// | `/admin/*` (including `POST /admin/keys/{id}/budget`) | admin token → handler |
/// | `/v1/images/generations`, `/api/v1/image`, `/v1/embeddings`, `/v1/messages` | see ``MediaRoutes`` |
public enum GatewayRouter {
    /// Requests per minute allowed per client address for unauthenticated traffic.
    public static let anonymousPolicy = RateLimitPolicy(requestsPerMinute: 600, burst: 600)

    public static func make(_ services: GatewayServices) -> Router {
        var router = Router()
        router.use(OverheadHeaderMiddleware())
        router.use(AnonymousRateLimitMiddleware(limiter: services.limiter, policy: anonymousPolicy))

        let chat = Pipeline(services.authenticatedSteps + [
            ValidateStep(maxMessages: services.configuration.maxMessages,
                         maxMessageCharacters: services.configuration.maxMessageCharacters),
            ResolveModelStep(services: services),
            KeyBudgetStep.chat(services: services),
            ReserveStep(services: services, overlapProviderCall: true),
        ], endpoint: ChatCompletionEndpoint(services: services).respond)
        for path in ["/v1/chat/completions", "/api/v1/chat", "/api/v1/chat/completions"] {
            router.add(.post, path) { await chat.respond(to: $0) }
        }

        let info = ChatInfoHandler(services: services)
        router.add(.get, "/api/v1/chat") { info.respond($0) }
        let health = HealthHandler(services: services)
        router.add(.get, "/health") { await health.respond($0) }
        let models = ModelsHandler(registry: services.registry)
        router.add(.get, "/v1/models") { models.list($0) }
        router.add(.get, "/v1/models/*id") { models.get($0) }

        let account = AccountHandlers(services: services)
        func authenticated(_ method: HTTPMethod, _ path: String, _ endpoint: @escaping PipelineEndpoint) {
            let pipeline = Pipeline(services.authenticatedSteps, endpoint: endpoint)
            router.add(method, path) { await pipeline.respond(to: $0) }
        }
        authenticated(.get, "/api/balance", account.balance)
        authenticated(.get, "/api/usage", account.usage)
        authenticated(.get, "/api/keys", account.listKeys)
        authenticated(.post, "/api/keys", account.createKey)
        authenticated(.delete, "/api/keys/:id", account.deleteKey)
        let budgets = KeyBudgetHandlers(services: services)
        authenticated(.post, "/api/keys/:id/budget", budgets.setOwnKeyBudget)

        let admin = AdminHandlers(services: services)
        func adminRoute(_ method: HTTPMethod, _ path: String, _ endpoint: @escaping PipelineEndpoint) {
            let pipeline = Pipeline([AdminAuthStep(token: services.configuration.adminToken)], endpoint: endpoint)
            router.add(method, path) { await pipeline.respond(to: $0) }
        }
        adminRoute(.post, "/admin/users", admin.createUser)
        adminRoute(.get, "/admin/users", admin.listUsers)
        adminRoute(.get, "/admin/users/:id", admin.getUser)
        adminRoute(.post, "/admin/users/:id/credits", admin.addCredits)
        adminRoute(.post, "/admin/users/:id/tier", admin.setTier)
        adminRoute(.post, "/admin/users/:id/margin", admin.setUserMargin)
        adminRoute(.get, "/admin/users/:id/keys", admin.listKeys)
        adminRoute(.post, "/admin/users/:id/keys", admin.createKey)
        adminRoute(.delete, "/admin/keys/:id", admin.revokeKey)
        adminRoute(.post, "/admin/keys/:id/margin", admin.setKeyMargin)
        adminRoute(.post, "/admin/keys/:id/budget", budgets.setAnyKeyBudget)
        adminRoute(.post, "/admin/models/margin", admin.setModelMargin)
        adminRoute(.get, "/admin/usage", admin.usage)

        // Images, embeddings and the Anthropic Messages API (Media/), over the same steps.
        MediaRoutes.register(on: &router, services: services)
        // 404/405 under /v1/messages in Anthropic's error shape (the pipelines' own errors already are).
        AnthropicErrorShape.shapeFallbacks(of: &router)
        return router
    }
}
