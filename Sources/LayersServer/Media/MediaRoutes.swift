import Foundation
import LayersCore
import LayersGateway
import LayersHTTP
import LayersModels

/// The image, embeddings and Anthropic Messages routes, each through the same pipeline as chat:
///
/// | route | pipeline |
/// |---|---|
/// | `POST /v1/images/generations`, `POST /api/v1/image` | authenticate → rate limit → validate → resolve model → check size/ratio/n → key budget → reserve per image → generate + settle |
/// | `GET /api/v1/image` | public info document |
/// | `POST /v1/embeddings` | authenticate → rate limit → validate → resolve model → check provider → key budget → reserve → embed + settle |
/// | `POST /v1/messages` | Anthropic error shape → authenticate → rate limit → validate → resolve model → check the translation (translated models only) → key budget → reserve → pass-through or translate + settle |
/// | `POST /v1/messages/count_tokens` | Anthropic error shape → authenticate → rate limit → validate → resolve model → check the translation → count |
///
/// ```swift
/// var router = Router()
/// MediaRoutes.register(on: &router, services: services)
/// ```
public enum MediaRoutes {
    public static func register(on router: inout Router, services: GatewayServices) {
        let media = MediaServices(services: services)

        for (path, shape) in [("/v1/images/generations", ImageRequestParser.Shape.openAI),
                              ("/api/v1/image", ImageRequestParser.Shape.original)] {
            let endpoint = ImageGenerationEndpoint(services: services, media: media, shape: shape)
            let pipeline = Pipeline(services.authenticatedSteps + endpoint.steps, endpoint: endpoint.respond)
            router.add(.post, path) { await pipeline.respond(to: $0) }
        }
        let info = ImageInfoHandler(services: services, limits: media.images.limits)
        router.add(.get, "/api/v1/image") { info.respond($0) }

        let embeddings = EmbeddingsEndpoint(services: services, media: media)
        let embeddingsPipeline = Pipeline(services.authenticatedSteps + embeddings.steps, endpoint: embeddings.respond)
        router.add(.post, "/v1/embeddings") { await embeddingsPipeline.respond(to: $0) }

        let limits = (services.configuration.maxMessages, services.configuration.maxMessageCharacters)
        let messages = MessagesEndpoint(services: services, media: media)
        let messagesPipeline = Pipeline(
            [AnthropicErrorShapeStep()] + services.authenticatedSteps + [
                AnthropicValidateStep(maxMessages: limits.0, maxMessageCharacters: limits.1),
                ResolveModelStep(services: services),
                AnthropicTranslationCheckStep(media: media),
                KeyBudgetStep.chat(services: services),
                ReserveStep(services: services),
            ], endpoint: messages.respond)
        router.add(.post, "/v1/messages") { await messagesPipeline.respond(to: $0) }

        let count = CountTokensEndpoint(services: services, media: media)
        let countPipeline = Pipeline(
            [AnthropicErrorShapeStep()] + services.authenticatedSteps + [
                AnthropicValidateStep(maxMessages: limits.0, maxMessageCharacters: limits.1, requireMaxTokens: false),
                ResolveModelStep(services: services),
                AnthropicTranslationCheckStep(media: media),
            ], endpoint: count.respond)
        router.add(.post, "/v1/messages/count_tokens") { await countPipeline.respond(to: $0) }
    }
}

/// `GET /api/v1/image`: the original Layers' image information document.
struct ImageInfoHandler: Sendable {
    let services: GatewayServices
    /// The configured limits (`LAYERS_IMAGE_MAX_N`, `LAYERS_IMAGE_MAX_PROMPT_CHARS`), as the document states them.
    let limits: ImageLimits

    func respond(_ request: HTTPRequest) -> HTTPResponse {
        let models = services.registry.all
            .filter { $0.kind == .image || ($0.kind == .chat && $0.has(.imageGen)) }
            .map { JSONValue.string($0.id) }
        let body: JSONValue = [
            "status": "ok",
            "version": "v1.0.0",
            "endpoint": "/api/v1/image",
            "openai_compatible_endpoint": "/v1/images/generations",
            "supported_models": .array(models),
            "parameters": [
                "model": "required",
                "prompt": .string("required (at most \(limits.maxPromptCharacters) characters)"),
                "n": .string("1-\(limits.maxImagesPerRequest) (default 1)"),
                "aspect_ratio": "W:H (default 1:1)", "size": "WxH (bucketed to 16:9, 3:2, 1:1, 2:3 or 9:16 for ratio-based models)",
            ],
            "docs": "docs/images-embeddings-messages.md",
            "timestamp": .string(ISO8601DateFormatter().string(from: Date())),
        ]
        return .json(body)
    }
}
