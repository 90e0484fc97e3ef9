import LayersCore
import LayersCredits

/// A streamed completion: an `AsyncSequence` of OpenAI `chat.completion.chunk` objects.
///
/// - The last element is always a usage chunk (`choices: []`, `usage` set), whatever the provider does, when
///   the stream ended normally. `clientRequestedUsage` says whether the client asked for it
///   (`stream_options.include_usage`); a server forwarding to a client that did not ask should drop it.
/// - After the sequence ends, or throws, or the consumer stops early, `usage` holds what was used so far
///   (complete at a normal end; partial, possibly estimated from the text received, when cut).
/// - Errors the provider reports mid-stream are thrown as `LayersError` (e.g. `.providerOverloaded`,
///   `.providerError`); a server should send them to its client as a final `data: {"error": …}` event.
/// - Iterate it once. Dropping it (or cancelling the consuming task) aborts the upstream transfer.
public struct ChatCompletionStream: AsyncSequence, Sendable {
    public typealias Element = JSONObject

    /// The provider that serves it.
    public let provider: String
    /// The provider's request id, when its headers carry one.
    public let providerRequestID: String?
    /// True when the client's request had `stream_options.include_usage: true`.
    public let clientRequestedUsage: Bool
    let state: StreamState
    let makeSource: @Sendable () -> any ChunkSource

    init(provider: String, providerRequestID: String?, clientRequestedUsage: Bool, state: StreamState,
         makeSource: @escaping @Sendable () -> any ChunkSource) {
        self.provider = provider
        self.providerRequestID = providerRequestID
        self.clientRequestedUsage = clientRequestedUsage
        self.state = state
        self.makeSource = makeSource
    }

    /// Usage so far; final once the sequence has ended.
    public var usage: TokenUsage { state.snapshot.usage }
    /// True when the provider's stream ended properly (its final event arrived).
    public var completed: Bool { state.snapshot.completed }
    /// True when `usage` was estimated (the provider never reported its output count).
    public var usageIsEstimated: Bool { state.snapshot.estimated }
    /// The finish reason of choice 0, once known.
    public var finishReason: String? { state.snapshot.finishReason }

    /// Aborts the upstream transfer.
    public func cancel() { state.cancel() }

    public func makeAsyncIterator() -> Iterator { Iterator(source: makeSource()) }

    /// Iterates the chunks together with their wire form where the adapter kept it (see ``TranslatedChunk``):
    /// what a server relaying the stream uses, to skip re-serialising chunks it does not change.
    public func makeChunkIterator() -> ChunkIterator { ChunkIterator(source: makeSource()) }

    /// Pulls upstream bytes, decodes SSE events and translates them into chunks.
    public struct Iterator: AsyncIteratorProtocol {
        let source: any ChunkSource

        public mutating func next() async throws -> JSONObject? { try await source.next()?.object }
    }

    /// Like ``Iterator``, with the chunks' wire form.
    public struct ChunkIterator {
        let source: any ChunkSource

        public mutating func next() async throws -> TranslatedChunk? { try await source.next() }

        /// True when `next()` will answer from chunks already translated, without waiting for the provider: a relay
        /// can gather these into one write and flush when this turns false.
        public var hasBufferedChunks: Bool { source.hasBufferedChunks }
    }
}

/// Where a stream's iterators pull their chunks from (``StreamDriver``). One consumer.
protocol ChunkSource: AnyObject {
    func next() async throws -> TranslatedChunk?
    var hasBufferedChunks: Bool { get }
}

/// What a stream shares with its holder: usage and status so far, and the upstream transfer to cancel.
final class StreamState: Sendable {
    struct Snapshot {
        var usage = TokenUsage()
        var completed = false
        var estimated = false
        var finishReason: String?
    }

    private let state = Locked(Snapshot())
    let upstream: UpstreamStream

    init(upstream: UpstreamStream) { self.upstream = upstream }

    var snapshot: Snapshot { state.withLock { $0 } }

    func update(_ body: (inout Snapshot) -> Void) { state.withLock(body) }

    func cancel() { upstream.cancel() }
}
