import LayersCore
import LayersCredits
import LayersModels

/// One chat request as the pipeline hands it to whatever answers it.
public struct ChatCall: Sendable {
    /// The OpenAI-format request body as the client sent it (`model` is the registry id).
    public var body: JSONValue
    public var model: ModelInfo
    public var requestID: String
    public var stream: Bool

    public init(body: JSONValue, model: ModelInfo, requestID: String, stream: Bool) {
        self.body = body
        self.model = model
        self.requestID = requestID
        self.stream = stream
    }
}

/// A whole (non-streamed) answer: the OpenAI `chat.completion` object and the normalised usage to bill.
public struct ChatResult: Sendable {
    public var response: JSONObject
    public var usage: TokenUsage

    public init(response: JSONObject, usage: TokenUsage) {
        self.response = response
        self.usage = usage
    }
}

/// One event of a streamed answer.
public enum ChatStreamEvent: Sendable {
    /// An OpenAI `chat.completion.chunk` object (without `usage`; the gateway writes the usage chunk itself).
    case chunk(JSONObject)
    /// A chunk with its compact JSON text at hand (exactly `chunk.serializedBytes()`, e.g. the provider's own bytes
    /// with the model spliced in), so relaying it unchanged needs no re-serialisation.
    case encodedChunk(JSONObject, json: [UInt8])
    /// The final usage, reported once at the end of the stream.
    case usage(TokenUsage)
}

/// What answers chat requests: a real provider adapter or the sandbox. The seam between the pipeline and
/// `LayersGateway`, so the pipeline can be tested without any network.
public protocol ChatBackend: Sendable {
    /// Whether this backend can serve `model` now (nil), or the error to answer instead
    /// (e.g. `providerNotConfigured`).
    func availability(of model: ModelInfo) -> LayersError?
    nonisolated(nonsending) func complete(_ call: ChatCall) async throws -> ChatResult
    /// Starts a stream. Errors before the first event (bad request, auth, overload) are thrown here so they can
    /// still become a proper HTTP status; errors later are thrown by the sequence.
    nonisolated(nonsending) func stream(_ call: ChatCall) async throws -> ChatEventStream
}
