import LayersCore

/// Starts consuming a backend stream and waits for its first event, so that a provider that fails at once
/// (bad request, auth, overload) still becomes a proper HTTP error status instead of an error inside a 200
/// stream. The events are then relayed; when the consumer stops (client disconnect), the upstream is cancelled.
struct PrefetchedStream: Sendable {
    let events: AsyncThrowingStream<ChatStreamEvent, any Error>

    /// Throws the upstream's error if it fails before producing its first event.
    static func start(_ upstream: AsyncThrowingStream<ChatStreamEvent, any Error>) async throws -> PrefetchedStream {
        let (relay, continuation) = AsyncThrowingStream<ChatStreamEvent, any Error>.makeStream(bufferingPolicy: .unbounded)
        let (firstSignal, firstContinuation) = AsyncStream<Result<Void, any Error>>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let task = Task {
            var signalled = false
            do {
                for try await event in upstream {
                    continuation.yield(event)
                    if !signalled { signalled = true; firstContinuation.yield(.success(())); firstContinuation.finish() }
                }
                continuation.finish()
                if !signalled { firstContinuation.yield(.success(())); firstContinuation.finish() }
            } catch {
                continuation.finish(throwing: error)
                if !signalled { firstContinuation.yield(.failure(error)); firstContinuation.finish() }
            }
        }
        continuation.onTermination = { reason in
            if case .cancelled = reason { task.cancel() }
        }
        var iterator = firstSignal.makeAsyncIterator()
        let first = await withTaskCancellationHandler {
            await iterator.next()
        } onCancel: {
            task.cancel()
        }
        switch first {
        case .failure(let error)?: throw error
        case .success?: return PrefetchedStream(events: relay)
        case nil: throw CancellationError()
        }
    }
}
