import LayersCore

/// Waits for a backend stream's first event, so that a provider that fails at once (bad request, auth, overload)
/// still becomes a proper HTTP error status instead of an error inside a 200 stream. The first event is then
/// replayed ahead of the rest, read from the same source by the same task (no relay task).
struct PrefetchedStream: Sendable {
    let events: ChatEventStream

    /// Throws the upstream's error if it fails before producing its first event.
    static func start(_ upstream: ChatEventStream) async throws -> PrefetchedStream {
        let first = try await upstream.source.next()
        try Task.checkCancellation()
        return PrefetchedStream(events: ChatEventStream(source: Replay(first: first, rest: upstream.source)))
    }

    /// `@unchecked Sendable`: single consumer (see ``ChatEventSource``).
    final class Replay: ChatEventSource, @unchecked Sendable {
        private var first: ChatStreamEvent?
        private let rest: any ChatEventSource

        init(first: ChatStreamEvent?, rest: any ChatEventSource) {
            self.first = first
            self.rest = rest
        }

        func next() async throws -> ChatStreamEvent? {
            if let event = first {
                first = nil
                return event
            }
            return try await rest.next()
        }

        var hasBufferedEvents: Bool { first != nil || rest.hasBufferedEvents }
    }
}
