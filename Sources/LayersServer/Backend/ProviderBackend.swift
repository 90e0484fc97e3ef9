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

    public func complete(_ call: ChatCall) async throws -> ChatResult {
        let provider = try router.provider(for: call.model)
        let result = try await provider.complete(try request(call), model: call.model)
        return ChatResult(response: result.body, usage: result.usage)
    }

    public func stream(_ call: ChatCall) async throws -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        let provider = try router.provider(for: call.model)
        let upstream = try await provider.stream(try request(call), model: call.model)
        let (events, continuation) = AsyncThrowingStream<ChatStreamEvent, any Error>.makeStream()
        let task = Task {
            do {
                for try await chunk in upstream {
                    // The adapter ends with its own usage chunk; the gateway writes one with the `layers` object.
                    if chunk["usage"] != nil, chunk["choices"]?.arrayValue?.isEmpty ?? true { continue }
                    continuation.yield(.chunk(chunk))
                }
                continuation.yield(.usage(upstream.usage))
                continuation.finish()
            } catch {
                // Partial usage (estimated from the text when the provider never said) so the cut is billed.
                continuation.yield(.usage(upstream.usage))
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { reason in
            if case .cancelled = reason {
                task.cancel()
                upstream.cancel()
            }
        }
        return events
    }
}
