import Foundation
import LayersCore
import LayersCredits
import LayersGateway
import LayersHTTP
import LayersModels

/// `/v1/messages` (and `count_tokens`) for an Anthropic model straight to Anthropic: the client's body with only
/// `model` swapped (cache_control, thinking blocks and signatures, tool_use/tool_result and server tools untouched),
/// the client's `anthropic-version` and `anthropic-beta` headers passed on, our key in `x-api-key`. The answer
/// comes back as sent apart from `model`; usage is read from it (or from `message_start`/`message_delta`) and
/// settled once.
struct AnthropicPassthroughCall: Sendable {
    let endpoint: ProviderEndpoint
    let http: UpstreamHTTPClient
    let model: ModelInfo
    let context: RequestContext
    let builder: UsageRecordBuilder
    let reservation: ReservationHandle

    func whole(_ body: JSONValue) async throws -> HTTPResponse {
        let request = try upstreamRequest(body, path: "/v1/messages")
        let response = try await context.timing.measureUpstream { try await send(request) }
        guard (200..<300).contains(response.status) else { throw failure(response.status, response.headers, response.body) }
        let (_, json) = AnthropicPassthrough.rewriteResponse(response.body, model: model.id)
        guard var message = json else {
            throw LayersError.providerError(provider: "anthropic", model: model.id, message: "the answer is not JSON")
        }
        let usage = AnthropicPassthrough.usage(ofMessage: message)
        let breakdown = CreditCalculator.cost(usage: usage, pricing: model.pricing, margin: context.margin)
        let latency = context.elapsedMilliseconds
        let charged = await reservation.settleChargeOrZero(builder.success(usage: usage, breakdown: breakdown,
                                                                     latencyMs: latency, ttftMs: nil))
        message["layers"] = LayersObject(breakdown: breakdown, creditsCharged: charged, latencyMs: latency,
                                         isTest: false, requestID: context.requestID).json
        return .json(message)
    }

    func streamed(_ body: JSONValue) async throws -> HTTPResponse {
        let request = try upstreamRequest(body, path: "/v1/messages")
        let upstream: UpstreamStream
        do {
            upstream = try await context.timing.measureUpstream { try await http.stream(request) }
        } catch let error as UpstreamError {
            throw Self.transportFailure(error, model: model.id)
        }
        guard (200..<300).contains(upstream.status) else {
            let bytes = (try? await upstream.collect(limit: 1 << 20)) ?? []
            throw failure(upstream.status, upstream.headers, bytes)
        }
        let model = self.model, margin = context.margin, requestID = context.requestID
        let startedAt = context.startedAt
        let builder = self.builder, reservation = self.reservation
        return HTTPResponse.eventStream { writer in
            var relay = AnthropicPassthroughStream(model: model.id)
            relay.messageDeltaExtra = { usage in
                let breakdown = CreditCalculator.cost(usage: usage, pricing: model.pricing, margin: margin)
                return ("layers", LayersObject(breakdown: breakdown, creditsCharged: breakdown.credits,
                                               latencyMs: TranslatedMessagesCall.elapsedMs(since: startedAt),
                                               isTest: false, requestID: requestID).json)
            }
            var ttft: Int?
            var failure: (status: Int, code: String)?
            do {
                for try await chunk in upstream.body {
                    let out = try relay.feed(chunk)
                    if ttft == nil, !out.isEmpty { ttft = TranslatedMessagesCall.elapsedMs(since: startedAt) }
                    if !out.isEmpty { try await writer.write(out) }
                }
                let rest = relay.finish()
                if !rest.isEmpty { try await writer.write(rest) }
                if relay.error != nil { failure = (502, "provider_error") }
            } catch {
                upstream.cancel()
                let clientGone = Task.isCancelled || error is CancellationError || error is HTTPServerError
                if clientGone {
                    failure = (499, "client_closed_request")
                } else {
                    let mapped = (error as? UpstreamError).map { Self.transportFailure($0, model: model.id) }
                        ?? LayersError.providerError(provider: "anthropic", model: model.id, message: "the stream broke")
                    failure = (mapped.status, mapped.code)
                    try? await writer.write(AnthropicInboundStreamTranslator.encode(
                        [SSEEvent(event: "error", data: mapped.anthropicBody(requestID: requestID).serialized())]))
                }
            }
            let usage = relay.usage
            let breakdown = CreditCalculator.cost(usage: usage, pricing: model.pricing, margin: margin)
            var record = builder.success(usage: usage, breakdown: breakdown,
                                         latencyMs: TranslatedMessagesCall.elapsedMs(since: startedAt), ttftMs: ttft)
            if let failure {
                record.status = failure.status
                record.errorCode = failure.code
            }
            _ = await reservation.settleChargeOrZero(record)
        }
    }

    /// The upstream request: our key, the client's version and beta headers, the body with `model` swapped.
    func upstreamRequest(_ body: JSONValue, path: String) throws -> UpstreamRequest {
        let rewritten = try MediaBridge.rewriteRequest(body, upstreamModel: model.upstreamName)
        var headers = [HTTPHeader("x-api-key", endpoint.apiKey ?? ""),
                       HTTPHeader("anthropic-version", context.request.headers["anthropic-version"] ?? "2023-06-01"),
                       HTTPHeader("content-type", "application/json")]
        if let beta = context.request.headers["anthropic-beta"] { headers.append(HTTPHeader("anthropic-beta", beta)) }
        headers += endpoint.extraHeaders
        return UpstreamRequest(method: "POST", url: endpoint.baseURL + path, headers: headers,
                               body: rewritten.serializedBytes(), timeouts: endpoint.timeouts)
    }

    func send(_ request: UpstreamRequest) async throws -> UpstreamResponse {
        do { return try await http.request(request) } catch let error as UpstreamError {
            throw Self.transportFailure(error, model: model.id)
        }
    }

    func failure(_ status: Int, _ headers: UpstreamHeaders, _ body: [UInt8]) -> LayersError {
        let json = try? JSONValue.parse(body)
        let message = json?["error"]?["message"]?.stringValue ?? String(decoding: body.prefix(300), as: UTF8.self)
        return LayersError.upstream(provider: "anthropic", model: model.id, status: status, message: message,
                                    retryAfterSeconds: headers["retry-after"].flatMap { Int($0) })
    }

    static func transportFailure(_ error: UpstreamError, model: String) -> LayersError {
        switch error {
        case .connectTimeout: return .upstreamTimeout(provider: "anthropic", model: model, phase: .connect)
        case .firstByteTimeout: return .upstreamTimeout(provider: "anthropic", model: model, phase: .firstByte)
        case .idleTimeout: return .upstreamTimeout(provider: "anthropic", model: model, phase: .idle)
        case .totalTimeout: return .upstreamTimeout(provider: "anthropic", model: model, phase: .total)
        default: return .providerError(provider: "anthropic", model: model, message: error.description)
        }
    }
}
