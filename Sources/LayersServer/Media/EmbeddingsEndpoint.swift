import LayersCore
import LayersCredits
import LayersGateway
import LayersHTTP
import LayersModels

/// `POST /v1/embeddings` in OpenAI's shape (string, array or token input; `dimensions`; `encoding_format` float
/// or base64), after authenticate → rate limit → validate → resolve model → reserve. OpenAI models pass
/// through, Gemini models are translated (`batchEmbedContents`), others go through the AI Gateway. Bills the
/// input tokens (the provider's count, or an estimate where the provider reports none) and writes the usage
/// row. Test keys get deterministic vectors and are charged nothing.
struct EmbeddingsEndpoint: Sendable {
    let services: GatewayServices
    let media: MediaServices

    var steps: [any PipelineStep] {
        let media = self.media
        return [
            BodyStep { body in
                _ = try MediaBridge.embeddingsRequest(body)
            },
            MediaResolveModelStep(services: services, purpose: .embeddings),
            EmbeddingsCheckStep(media: media),
            KeyBudgetStep.media(services: services, estimate: Self.estimate),
            MediaReserveStep(services: services, estimate: Self.estimate),
        ]
    }

    /// The hold per request: the input's estimated tokens at the model's price.
    private static let estimate: @Sendable (RequestContext, ModelInfo) throws -> MicroCredits = { context, model in
        let request = try MediaBridge.embeddingsRequest(context.body ?? .null)
        let tokens: Int
        switch request.input {
        case .texts(let texts):
            tokens = texts.reduce(0) { $0 + CreditEstimator.standard.promptTokens(forBytes: $1.utf8.count) + 1 }
        case .tokens(let arrays):
            tokens = arrays.reduce(0) { $0 + $1.count }
        }
        return CreditCalculator.cost(usage: TokenUsage(promptTokens: tokens), pricing: model.pricing,
                                     margin: context.margin).credits
    }

    func respond(_ context: RequestContext) async throws -> HTTPResponse {
        let principal = try context.requirePrincipal()
        guard let model = context.model, let body = context.body, let reservation = context.reservation else {
            throw LayersError.internalError(requestID: context.requestID)
        }
        var request = try MediaBridge.embeddingsRequest(body)
        request.json["metadata"] = nil
        let result: EmbeddingsResult
        if principal.isTest {
            result = MediaSandbox.embeddings(request)
        } else {
            do {
                result = try await context.timing.measureUpstream { try await media.embeddings.embed(request) }
            } catch let error as MediaError {
                throw error.layersError(provider: model.provider.rawValue, model: model.id)
            }
        }
        let breakdown = CreditCalculator.cost(usage: result.usage, pricing: model.pricing, margin: context.margin)
        let latency = context.elapsedMilliseconds
        let builder = UsageRecordBuilder(context: context, principal: principal, model: model, isStream: false)
        let charged = await reservation.settleChargeOrZero(builder.success(usage: result.usage, breakdown: breakdown,
                                                                     latencyMs: latency, ttftMs: nil))
        var response = result.body
        response["model"] = .string(model.id)
        var layers = LayersObject(breakdown: breakdown, creditsCharged: charged, latencyMs: latency,
                                  isTest: principal.isTest, requestID: context.requestID).json
        if result.usageEstimated { layers["usage_estimated"] = true }
        response["layers"] = layers
        return .json(response)
    }
}

/// For live keys: the model's provider (or the AI Gateway) is configured, and the input suits it.
struct EmbeddingsCheckStep: PipelineStep {
    let media: MediaServices

    nonisolated(nonsending) func handle(_ context: RequestContext, next: PipelineNext) async throws -> HTTPResponse {
        let principal = try context.requirePrincipal()
        guard let model = context.model else { throw LayersError.internalError() }
        if !principal.isTest {
            try MediaBridge.check(model) { () throws(MediaError) in try media.embeddings.checkConfigured(model: model.id) }
        }
        return try await next(context)
    }
}
