import Foundation
import LayersCore
import LayersCredits
import LayersGateway
import LayersHTTP
import LayersModels

/// `POST /v1/images/generations` (OpenAI's shape) and `POST /api/v1/image` (the original Layers' shape), after
/// authenticate → rate limit → validate → resolve model → check the model can do it → reserve.
///
/// Answers `{created, data:[{b64_json|url, revised_prompt?}], usage, layers}`; bills `imageCount` images (only
/// those returned) at the registry's per-image (per-size, per-megapixel) price plus any token usage, and writes
/// the usage row. Failed generations (moderation, a BFL deadline, provider errors) return nothing and charge
/// nothing. Test keys get deterministic placeholder images and are charged nothing.
struct ImageGenerationEndpoint: Sendable {
    let services: GatewayServices
    let media: MediaServices
    let shape: ImageRequestParser.Shape

    /// The steps between rate limiting and this endpoint.
    var steps: [any PipelineStep] {
        let shape = self.shape
        let media = self.media
        return [
            BodyStep { body in
                _ = try ImageRequestParser.parse(body, shape: shape)
            },
            MediaResolveModelStep(services: services, purpose: .images),
            ImageCheckStep(media: media, shape: shape),
            KeyBudgetStep.media(services: services, estimate: estimate),
            MediaReserveStep(services: services, estimate: estimate),
        ]
    }

    /// The hold per request: every image at the model's price for the resolved size and quality.
    private var estimate: @Sendable (RequestContext, ModelInfo) throws -> MicroCredits {
        let shape = self.shape
        return { context, model in
            let request = try ImageRequestParser.parse(context.body ?? .null, shape: shape)
            let spec = ImageModelSpec.resolve(model.id, upstreamName: model.upstreamName)
            let resolved = try? spec?.sizeRule.resolve(size: request.size, aspectRatio: request.aspectRatio,
                                                       model: model.id)
            let usage = TokenUsage(promptTokens: CreditEstimator.standard.promptTokens(forBytes: request.prompt.utf8.count),
                                   imageCount: request.n, imageSize: resolved?.size?.description ?? request.size,
                                   imageQuality: Self.pricedQuality(request.quality))
            return CreditCalculator.cost(usage: usage, pricing: model.pricing, margin: context.margin).credits
        }
    }

    func respond(_ context: RequestContext) async throws -> HTTPResponse {
        let principal = try context.requirePrincipal()
        guard let model = context.model, let body = context.body, let reservation = context.reservation else {
            throw LayersError.internalError(requestID: context.requestID)
        }
        var request = try ImageRequestParser.parse(body, shape: shape)
        request.model = model.id
        request.upstreamModel = model.upstreamName
        let result: ImageGenerationResult
        if principal.isTest {
            result = try MediaSandbox.images(request, media: media)
        } else {
            do {
                result = try await context.timing.measureUpstream { try await media.images.generate(request) }
            } catch let error as MediaError {
                throw error.layersError(provider: model.provider.rawValue, model: model.id)
            }
        }
        var usage = result.usage
        usage.imageQuality = Self.pricedQuality(usage.imageQuality)
        let breakdown = CreditCalculator.cost(usage: usage, pricing: model.pricing, margin: context.margin)
        let latency = context.elapsedMilliseconds
        var recordContext = context
        var metadata = body["metadata"]?.objectValue ?? JSONObject()
        metadata["image_count"] = .number(JSONNumber(result.images.count))
        if let size = result.shape.size { metadata["size"] = .string(size.description) }
        if let ratio = result.shape.aspectRatio { metadata["aspect_ratio"] = .string(ratio.description) }
        recordContext.body?["metadata"] = .object(metadata)
        let builder = UsageRecordBuilder(context: recordContext, principal: principal, model: model, isStream: false)
        let charged = await reservation.settleChargeOrZero(builder.success(usage: usage, breakdown: breakdown,
                                                                     latencyMs: latency, ttftMs: nil))
        var response = JSONObject()
        response["created"] = .number(JSONNumber(Int(context.startedAtDate.timeIntervalSince1970)))
        response["data"] = .array(result.images.map(\.openAIJSON))
        var usageJSON: JSONObject = ["images": .number(JSONNumber(result.images.count))]
        if shape == .openAI {
            usageJSON["input_tokens"] = .number(JSONNumber(usage.promptTokens))
            usageJSON["output_tokens"] = .number(JSONNumber(usage.completionTokens))
            usageJSON["total_tokens"] = .number(JSONNumber(usage.totalTokens))
            usageJSON["input_tokens_details"] = ["text_tokens": .number(JSONNumber(usage.promptTokens)), "image_tokens": 0]
        }
        response["usage"] = .object(usageJSON)
        response["model"] = .string(model.id)
        response["layers"] = LayersObject(breakdown: breakdown, creditsCharged: charged, latencyMs: latency,
                                          isTest: principal.isTest, requestID: context.requestID).json
        return .json(response)
    }

    /// `auto` quality is priced like no quality (the model's default).
    static func pricedQuality(_ quality: String?) -> String? {
        guard let quality = quality?.lowercased(), quality != "auto" else { return nil }
        return quality
    }
}

/// For live keys: the request is one the model can do (prompt, `n`, quality, size or ratio) and its provider (or
/// the AI Gateway) is configured. Test keys skip the provider check.
struct ImageCheckStep: PipelineStep {
    let media: MediaServices
    let shape: ImageRequestParser.Shape

    nonisolated(nonsending) func handle(_ context: RequestContext, next: PipelineNext) async throws -> HTTPResponse {
        let principal = try context.requirePrincipal()
        guard let model = context.model else { throw LayersError.internalError() }
        var request = try ImageRequestParser.parse(context.body ?? .null, shape: shape)
        request.model = model.id
        request.upstreamModel = model.upstreamName
        let images = media.images
        try MediaBridge.check(model) { () throws(MediaError) in
            if principal.isTest {
                _ = try MediaSandbox.checkImages(request, media: media)
            } else {
                _ = try images.prepare(request)
            }
        }
        return try await next(context)
    }
}

/// Parses the body as a JSON object into `context.body` and runs an endpoint-specific check on it.
struct BodyStep: PipelineStep {
    let check: @Sendable (JSONValue) throws -> Void

    init(_ check: @escaping @Sendable (JSONValue) throws -> Void) { self.check = check }

    nonisolated(nonsending) func handle(_ context: RequestContext, next: PipelineNext) async throws -> HTTPResponse {
        let body: JSONValue
        do { body = try JSONValue.parse(context.request.body) } catch {
            throw LayersError.invalidJSON(detail: error.description)
        }
        guard case .object = body else { throw LayersError.invalidJSON(detail: "the body must be a JSON object") }
        if let metadata = body["metadata"], !metadata.isNull, metadata.objectValue == nil {
            throw LayersError.invalidRequest(message: "metadata must be an object", param: "metadata")
        }
        try check(body)
        var context = context
        context.body = body
        return try await next(context)
    }
}
