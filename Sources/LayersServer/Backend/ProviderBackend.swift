import LayersCore
import LayersCredits
import LayersGateway
import LayersModels

/// Real providers through `LayersGateway`'s ``ProviderRouter``: the adapter for the model's provider, or the
/// Vercel AI Gateway, or 503 when neither has a key.
public struct ProviderBackend: ChatBackend {
    public let router: ProviderRouter

    public init(router: ProviderRouter) { self.router = router }

    public func availability(of model: ModelInfo) -> LayersError? {
        router.isAvailable(model) ? nil : .providerNotConfigured(provider: model.provider.rawValue, model: model.id)
    }

    private func request(_ call: ChatCall) throws -> ChatCompletionRequest {
        guard case .object(let object) = call.body else { throw LayersError.invalidJSON(detail: "not an object") }
        return ChatCompletionRequest(unchecked: object)
    }

    nonisolated(nonsending) public func complete(_ call: ChatCall) async throws -> ChatResult {
        let provider = try router.provider(for: call.model)
        let result = try await provider.complete(try request(call), model: call.model)
        return ChatResult(response: result.body, usage: result.usage)
    }

    nonisolated(nonsending) public func stream(_ call: ChatCall) async throws -> ChatEventStream {
        let provider = try router.provider(for: call.model)
        let upstream = try await provider.stream(try request(call), model: call.model)
        return ChatEventStream(source: ProviderEventSource(upstream))
    }
}

/// A provider's chunks as backend events, read straight from the adapter's stream: the adapter's own usage chunk is
/// dropped (the gateway writes one with the `layers` object) and the usage follows the last chunk, or the failure,
/// so a cut stream is billed for what was produced.
///
/// `@unchecked Sendable`: single consumer (see ``ChatEventSource``).
final class ProviderEventSource: ChatEventSource, @unchecked Sendable {
    private let upstream: ChatCompletionStream
    private var chunks: ChatCompletionStream.ChunkIterator
    private var ended = false
    private var failure: (any Error)?

    init(_ upstream: ChatCompletionStream) {
        self.upstream = upstream
        chunks = upstream.makeChunkIterator()
    }

    func next() async throws -> ChatStreamEvent? {
        if ended {
            if let failure {
                self.failure = nil
                throw failure
            }
            return nil
        }
        do {
            while let chunk = try await chunks.next() {
                if chunk.object["usage"] != nil, chunk.object["choices"]?.arrayValue?.isEmpty ?? true { continue }
                if let json = chunk.encoded { return .encodedChunk(chunk.object, json: json) }
                return .chunk(chunk.object)
            }
        } catch {
            failure = error
        }
        ended = true
        // Partial usage (estimated from the text when the provider never said) when the stream was cut.
        return .usage(upstream.usage)
    }

    var hasBufferedEvents: Bool { !ended && chunks.hasBufferedChunks }
}
