import Foundation
import LayersCore
import LayersCredits
import LayersGateway
import LayersHTTP
import LayersModels

/// `POST /v1/messages`: Anthropic's Messages API for every chat model in the registry, after
/// errors-in-Anthropic-shape → authenticate (`x-api-key` or Bearer) → rate limit → validate → resolve model →
/// reserve.
///
/// - Anthropic models, when `ANTHROPIC_API_KEY` is set: a faithful pass-through (the body goes upstream as
///   sent, only `model` swapped; the answer or the event stream comes back as sent, only `model` swapped).
/// - Every other model (and Anthropic models served through the AI Gateway or the sandbox): translated to the
///   OpenAI request every adapter takes, and the answer (or chunk stream) translated back to Anthropic's message
///   (or event stream).
/// Either way the actual usage is settled once and the usage row written; the response carries a `layers`
/// object (in the stream: on `message_delta`).
struct MessagesEndpoint: Sendable {
    let services: GatewayServices
    let media: MediaServices

    func respond(_ context: RequestContext) async throws -> HTTPResponse {
        let principal = try context.requirePrincipal()
        guard let model = context.model, let body = context.body, let reservation = context.reservation else {
            throw LayersError.internalError(requestID: context.requestID)
        }
        let stream = body["stream"]?.boolValue ?? false
        let builder = UsageRecordBuilder(context: context, principal: principal, model: model, isStream: stream)
        if media.passesThrough(model, isTest: principal.isTest), let endpoint = media.anthropic {
            let passthrough = AnthropicPassthroughCall(endpoint: endpoint, http: media.http, model: model,
                                                       context: context, builder: builder, reservation: reservation)
            return stream ? try await passthrough.streamed(body) : try await passthrough.whole(body)
        }
        let backend = principal.isTest ? services.sandboxBackend : services.liveBackend
        let field = model.provider == .openai ? "max_completion_tokens" : "max_tokens"
        let openAI = try MediaBridge.translate(body, maxTokensField: field)
        let call = ChatCall(body: openAI, model: model, requestID: context.requestID, stream: stream)
        let translated = TranslatedMessagesCall(backend: backend, call: call, context: context, builder: builder,
                                                reservation: reservation, isTest: principal.isTest)
        return stream ? try await translated.streamed() : try await translated.whole()
    }
}

/// `/v1/messages` through the OpenAI-shaped adapters (any provider) and back.
struct TranslatedMessagesCall: Sendable {
    let backend: any ChatBackend
    let call: ChatCall
    let context: RequestContext
    let builder: UsageRecordBuilder
    let reservation: ReservationHandle
    let isTest: Bool

    func whole() async throws -> HTTPResponse {
        let result = try await context.timing.measureUpstream { try await backend.complete(call) }
        let breakdown = CreditCalculator.cost(usage: result.usage, pricing: call.model.pricing, margin: context.margin)
        let latency = context.elapsedMilliseconds
        let charged = await reservation.settleChargeOrZero(builder.success(usage: result.usage, breakdown: breakdown,
                                                                     latencyMs: latency, ttftMs: nil))
        var response = JSONValue.object(result.response)
        response["usage"] = OpenAIUsage(result.usage).toJSON()
        var message = AnthropicInboundResponseTranslator().translate(response, model: call.model.id)
        message["layers"] = LayersObject(breakdown: breakdown, creditsCharged: charged, latencyMs: latency,
                                         isTest: isTest, requestID: context.requestID).json
        return .json(message)
    }

    func streamed() async throws -> HTTPResponse {
        let upstream = try await context.timing.measureUpstream { try await backend.stream(call) }
        let prefetched = try await context.timing.measureUpstream { try await PrefetchedStream.start(upstream) }
        let model = call.model, margin = context.margin, requestID = context.requestID, isTest = self.isTest
        let startedAt = context.startedAt
        let builder = self.builder, reservation = self.reservation
        let promptTokensEstimate = CreditEstimator.standard.promptTokens(forBytes: context.request.body.count)
        return HTTPResponse.eventStream { writer in
            var translator = AnthropicInboundStreamTranslator(model: model.id)
            var tracker = StreamUsageTracker(promptTokensEstimate: promptTokensEstimate)
            do {
                for try await event in prefetched.events {
                    switch event {
                    case .chunk(let chunk), .encodedChunk(let chunk, _):
                        tracker.observe(chunk, at: startedAt)
                        let events = translator.translate(chunk: .object(chunk))
                        if !events.isEmpty { try await writer.write(AnthropicInboundStreamTranslator.encode(events)) }
                    case .usage(let usage):
                        tracker.final = usage
                    }
                }
            } catch {
                let clientGone = Task.isCancelled || error is CancellationError || error is HTTPServerError
                let usage = tracker.usageSoFar
                let breakdown = CreditCalculator.cost(usage: usage, pricing: model.pricing, margin: margin)
                var record = builder.success(usage: usage, breakdown: breakdown,
                                             latencyMs: Self.elapsedMs(since: startedAt), ttftMs: tracker.ttftMs)
                let failure = clientGone ? nil : LayersError.from(error, requestID: requestID)
                record.status = clientGone ? 499 : failure!.status
                record.errorCode = clientGone ? "client_closed_request" : failure!.code
                _ = await reservation.settleChargeOrZero(record)
                if let failure {
                    let events = translator.fail(AnthropicInboundError(status: failure.anthropicStatus,
                                                                       message: failure.message))
                    try? await writer.write(AnthropicInboundStreamTranslator.encode(events))
                }
                return
            }
            let usage = tracker.final ?? tracker.usageSoFar
            let breakdown = CreditCalculator.cost(usage: usage, pricing: model.pricing, margin: margin)
            let latency = Self.elapsedMs(since: startedAt)
            let charged = await reservation.settleChargeOrZero(builder.success(usage: usage, breakdown: breakdown,
                                                                         latencyMs: latency, ttftMs: tracker.ttftMs))
            let final: JSONValue = [
                "choices": [], "usage": OpenAIUsage(usage).toJSON(),
                "layers": LayersObject(breakdown: breakdown, creditsCharged: charged, latencyMs: latency,
                                       isTest: isTest, requestID: requestID).json,
            ]
            var events = translator.translate(chunk: final)
            events += translator.finish()
            try await writer.write(AnthropicInboundStreamTranslator.encode(events))
        }
    }

    static func elapsedMs(since start: ContinuousClock.Instant) -> Int {
        let d = ContinuousClock.now - start
        return Int(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)
    }
}
