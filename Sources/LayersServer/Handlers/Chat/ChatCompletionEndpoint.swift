import Foundation
import LayersCore
import LayersCredits
import LayersHTTP
import LayersModels

/// The end of the chat pipeline: call the provider (or the sandbox), answer whole or streamed, and settle the
/// actual credits with the usage row.
struct ChatCompletionEndpoint: Sendable {
    let services: GatewayServices

    nonisolated(nonsending) func respond(_ context: RequestContext) async throws -> HTTPResponse {
        let principal = try context.requirePrincipal()
        guard let model = context.model, let body = context.body, let reservation = context.reservation else {
            throw LayersError.internalError(requestID: context.requestID)
        }
        let backend = principal.isTest ? services.sandboxBackend : services.liveBackend
        let stream = body["stream"]?.boolValue ?? false
        let call = ChatCall(body: body, model: model, requestID: context.requestID, stream: stream)
        let builder = UsageRecordBuilder(context: context, principal: principal, model: model, isStream: stream)
        if stream {
            return try await streamed(call, backend: backend, context: context, builder: builder,
                                      reservation: reservation)
        }
        // The provider call and a hold still being placed (``ReserveStep`` overlap) run together; a refused hold
        // cancels the call (leaving the scope cancels the `async let`) and answers 402. With the hold already in
        // place the call runs in this task: no child task to create and schedule.
        let result = try await context.timing.measureUpstream {
            guard reservation.isHoldPending else { return try await backend.complete(call) }
            async let answer = backend.complete(call)
            try await reservation.confirm()
            return try await answer
        }
        let breakdown = CreditCalculator.cost(usage: result.usage, pricing: model.pricing, margin: context.margin)
        let latency = context.elapsedMilliseconds
        let charged = await settle(reservation, builder.success(usage: result.usage, breakdown: breakdown,
                                                                 latencyMs: latency, ttftMs: nil))
        var response = result.response
        response["model"] = .string(model.id)
        response["usage"] = OpenAIUsage(result.usage).toJSON()
        response["layers"] = LayersObject(breakdown: breakdown, creditsCharged: charged, latencyMs: latency,
                                          isTest: principal.isTest, requestID: context.requestID).json
        return .json(response)
    }

    /// Settles (in the background unless configured otherwise) and returns the charge. A settlement failure is
    /// logged and retried, never shown to a client who already has the answer.
    private func settle(_ reservation: ReservationHandle, _ record: UsageRecord) async -> MicroCredits {
        await reservation.settleCharge(record) ?? .zero
    }

    private func streamed(_ call: ChatCall, backend: any ChatBackend, context: RequestContext,
                          builder: UsageRecordBuilder, reservation: ReservationHandle) async throws -> HTTPResponse {
        @Sendable func open() async throws -> PrefetchedStream {
            try await PrefetchedStream.start(try await backend.stream(call))
        }
        let prefetched = try await context.timing.measureUpstream {
            guard reservation.isHoldPending else { return try await open() }
            async let started = open()
            try await reservation.confirm()
            return try await started
        }
        let margin = context.margin
        let model = call.model
        let isTest = reservation.isTest
        let requestID = context.requestID
        let startedAt = context.startedAt
        let promptTokensEstimate = CreditEstimator.standard.promptTokens(forBytes: context.request.body.count)
        let settle = self.settle
        // OpenAI sends a separate usage chunk (`choices: []`) only when asked (`stream_options.include_usage`);
        // clients that did not ask may index `choices[0]` on every chunk, so they get usage and `layers` on the
        // chunk that carries the finish reason instead.
        let separateUsageChunk = call.body["stream_options"]?["include_usage"]?.boolValue ?? false
        return HTTPResponse.eventStream { writer in
            var tracker = StreamUsageTracker(promptTokensEstimate: promptTokensEstimate)
            var lastChunk: JSONObject?
            /// A chunk with a finish reason, held back to carry the usage when there is no separate usage chunk.
            var heldFinish: JSONObject?
            // Events are encoded into `out` and written together when no more are at hand without waiting for
            // the provider (one write per upstream read, not per event).
            var out: [UInt8] = []
            out.reserveCapacity(16 << 10)
            func flush() async throws {
                guard !out.isEmpty else { return }
                try await writer.write(out)
                out.removeAll(keepingCapacity: true)
            }
            func append(_ chunk: JSONObject, json: [UInt8]?) {
                var chunk = chunk
                var json = json
                tracker.observe(chunk, at: startedAt)
                if chunk["model"]?.stringValue != model.id {
                    chunk["model"] = .string(model.id)
                    json = nil
                }
                lastChunk = chunk
                if let held = heldFinish {
                    heldFinish = nil
                    SSEEncoder.writeJSON(.object(held), to: &out)
                }
                let finishes = chunk["choices"]?.arrayValue?.contains {
                    !($0["finish_reason"]?.isNull ?? true) } ?? false
                if finishes && !separateUsageChunk {
                    heldFinish = chunk
                } else if let json {
                    out.append(contentsOf: Self.dataPrefix)
                    out.append(contentsOf: json)  // compact JSON: no line break to split
                    out.append(contentsOf: Self.eventEnd)
                } else {
                    SSEEncoder.writeJSON(.object(chunk), to: &out)
                }
            }
            // Cut short: by the client (writes fail or the task is cancelled, which ends the iteration early)
            // or by the provider (error mid-stream). Either way the request is settled for what was used.
            func settleCut(_ error: (any Error)?) async {
                let clientGone = Task.isCancelled || error == nil || error is CancellationError
                    || error is HTTPServerError
                let usage = tracker.usageSoFar
                let breakdown = CreditCalculator.cost(usage: usage, pricing: model.pricing, margin: margin)
                var record = builder.success(usage: usage, breakdown: breakdown,
                                             latencyMs: elapsedMs(since: startedAt), ttftMs: tracker.ttftMs)
                let failure = clientGone ? nil : error.map { LayersError.from($0, requestID: requestID) }
                record.status = failure?.status ?? 499
                record.errorCode = failure?.code ?? "client_closed_request"
                _ = await settle(reservation, record)
                if let failure {
                    if let held = heldFinish { SSEEncoder.writeJSON(.object(held), to: &out) }
                    SSEEncoder.writeJSON(failure.openAIBody(requestID: requestID), to: &out)
                }
                try? await flush()
            }
            var events = prefetched.events.makeAsyncIterator()
            do {
                while let event = try await events.next() {
                    switch event {
                    case .chunk(let chunk): append(chunk, json: nil)
                    case .encodedChunk(let chunk, let json): append(chunk, json: json)
                    case .usage(let usage): tracker.final = usage
                    }
                    if !events.hasBufferedEvents || out.count >= 32 << 10 { try await flush() }
                }
                try await flush()
            } catch {
                out.removeAll()  // a failed write leaves nothing to send; a failed read has nothing pending
                await settleCut(error)
                return
            }
            if Task.isCancelled || tracker.final == nil {
                await settleCut(nil)
                return
            }
            let usage = tracker.final ?? tracker.usageSoFar
            let breakdown = CreditCalculator.cost(usage: usage, pricing: model.pricing, margin: margin)
            let latency = elapsedMs(since: startedAt)
            let charged = await settle(reservation, builder.success(usage: usage, breakdown: breakdown,
                                                                    latencyMs: latency, ttftMs: tracker.ttftMs))
            var usageChunk: JSONObject
            if let held = heldFinish {
                usageChunk = held
            } else {
                usageChunk = JSONObject()
                usageChunk["id"] = lastChunk?["id"] ?? .string("chatcmpl-" + requestID)
                usageChunk["object"] = "chat.completion.chunk"
                usageChunk["created"] = lastChunk?["created"]
                    ?? .number(JSONNumber(Int(Date().timeIntervalSince1970)))
                usageChunk["model"] = .string(model.id)
                usageChunk["choices"] = .array([])
            }
            usageChunk["usage"] = OpenAIUsage(usage).toJSON()
            usageChunk["layers"] = LayersObject(breakdown: breakdown, creditsCharged: charged, latencyMs: latency,
                                                isTest: isTest, requestID: requestID).json
            SSEEncoder.writeJSON(.object(usageChunk), to: &out)
            out.append(contentsOf: SSEEncoder.done)
            try await flush()
        }
    }
}

extension ChatCompletionEndpoint {
    static let dataPrefix: [UInt8] = Array("data: ".utf8)
    static let eventEnd: [UInt8] = [0x0A, 0x0A]
}

private func elapsedMs(since start: ContinuousClock.Instant) -> Int {
    let d = ContinuousClock.now - start
    return Int(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)
}
