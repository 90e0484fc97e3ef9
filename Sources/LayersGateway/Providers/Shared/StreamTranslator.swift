import LayersCore
import LayersCredits

/// Turns one provider's SSE events into OpenAI chunks. One value per stream, used by one consumer.
protocol StreamTranslator: Sendable {
    /// Translates one upstream event into zero or more chunks (appended to `chunks`).
    /// Throws a `LayersError` for an error the provider reports mid-stream.
    mutating func translate(_ event: SSEEvent, into chunks: inout [JSONObject]) throws
    /// The same, keeping a chunk's wire form when it can be had without re-serialising (``TranslatedChunk``).
    /// The default wraps `translate(_:into:)` and keeps none.
    mutating func translate(_ event: SSEEvent, into chunks: inout [TranslatedChunk]) throws
    /// The upstream body ended: append the closing chunks (finish reason, usage), or throw if the stream was cut
    /// before the provider's final event.
    mutating func finish(into chunks: inout [JSONObject]) throws
    /// Usage so far (estimated output when the provider has not reported it yet).
    var usage: TokenUsage { get }
    var usageIsEstimated: Bool { get }
    /// True once the provider's final event arrived.
    var completed: Bool { get }
    var finishReason: String? { get }
}

extension StreamTranslator {
    mutating func translate(_ event: SSEEvent, into chunks: inout [TranslatedChunk]) throws {
        var objects: [JSONObject] = []
        try translate(event, into: &objects)
        for object in objects { chunks.append(TranslatedChunk(object)) }
    }

    mutating func finish(into chunks: inout [TranslatedChunk]) throws {
        var objects: [JSONObject] = []
        defer { for object in objects { chunks.append(TranslatedChunk(object)) } }
        try finish(into: &objects)
    }
}

/// Drives one stream: upstream bytes -> SSE events -> translator -> chunks. Single consumer (not Sendable).
final class StreamDriver<Translator: StreamTranslator>: ChunkSource {
    private var body: UpstreamStream.Body.Iterator
    private var decoder = SSEDecoder()
    private var translator: Translator
    private var pending: [TranslatedChunk] = []
    private var pendingIndex = 0
    private var done = false
    /// An error thrown once the chunks translated before it have been handed out.
    private var failure: (any Error)?
    private let state: StreamState
    private let context: ProviderContext

    init(upstream: UpstreamStream, translator: Translator, state: StreamState, context: ProviderContext) {
        self.body = upstream.body.makeAsyncIterator()
        self.translator = translator
        self.state = state
        self.context = context
    }

    var hasBufferedChunks: Bool { pendingIndex < pending.count }

    /// Each upstream read (one libcurl write callback's bytes, or several when the consumer was busy: often many
    /// events) is decoded and translated in one go; the chunks are then handed out without suspending. When the read
    /// also holds an error (a provider error event, a broken stream), the chunks before it are handed out first.
    func next() async throws -> TranslatedChunk? {
        while true {
            if pendingIndex < pending.count {
                pendingIndex += 1
                return pending[pendingIndex - 1]
            }
            pending.removeAll(keepingCapacity: true)
            pendingIndex = 0
            if let failure {
                self.failure = nil
                throw failure
            }
            if done { return nil }
            do {
                if let bytes = try await body.next() {
                    try decoder.feed(bytes) { event in try self.translator.translate(event, into: &self.pending) }
                } else {
                    if let last = decoder.finish() { try translator.translate(last, into: &pending) }
                    try translator.finish(into: &pending)
                    done = true
                }
                publish()
            } catch {
                done = true
                publish()
                failure = context.map(error)
            }
        }
    }

    private func publish() {
        let t = translator
        state.update {
            $0.usage = t.usage
            $0.completed = t.completed
            $0.estimated = t.usageIsEstimated
            $0.finishReason = t.finishReason
        }
    }
}

extension ChatCompletionStream {
    /// Wraps an accepted upstream stream with a translator.
    init<T: StreamTranslator>(upstream: UpstreamStream, translator: T, context: ProviderContext,
                              providerRequestID: String?, clientRequestedUsage: Bool) {
        let state = StreamState(upstream: upstream)
        state.update { $0.usage = translator.usage; $0.estimated = translator.usageIsEstimated }
        self.init(provider: context.provider, providerRequestID: providerRequestID,
                  clientRequestedUsage: clientRequestedUsage, state: state) { () -> any ChunkSource in
            StreamDriver(upstream: upstream, translator: translator, state: state, context: context)
        }
    }
}

/// Builds OpenAI `chat.completion.chunk` objects for one stream.
struct ChunkFactory: Sendable {
    var id: String
    var created: Int
    var model: String

    func chunk(delta: JSONObject, finishReason: String? = nil, index: Int = 0) -> JSONObject {
        let choice: JSONObject = [
            "index": JSONValue(index),
            "delta": .object(delta),
            "finish_reason": finishReason.map(JSONValue.string) ?? .null,
        ]
        return ["id": .string(id), "object": "chat.completion.chunk", "created": JSONValue(created),
                "model": .string(model), "choices": [.object(choice)]]
    }

    func usageChunk(_ usage: JSONValue) -> JSONObject {
        ["id": .string(id), "object": "chat.completion.chunk", "created": JSONValue(created),
         "model": .string(model), "choices": [], "usage": usage]
    }
}
