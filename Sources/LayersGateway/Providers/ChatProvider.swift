import LayersCore
import LayersCredits
import LayersModels

/// One upstream model provider behind the OpenAI chat-completions shape.
///
/// Adapters translate the client's OpenAI-format request to the provider's wire format, and the answer back:
/// `complete` returns a `chat.completion` object, `stream` a sequence of `chat.completion.chunk` objects.
/// Both report usage as one normalised `TokenUsage`. Failures are thrown as `LayersError`
/// (provider and model named, upstream keys never included).
///
/// ```swift
/// let provider = try router.provider(for: model)
/// let result = try await provider.complete(request, model: model)
/// result.body      // OpenAI response JSON, `usage` included
/// result.usage     // what to bill
/// ```
public protocol ChatProvider: Sendable {
    /// The provider's name in errors and usage rows ("anthropic", or "vercel-ai-gateway" when routed through it).
    var name: String { get }

    /// A whole (non-streamed) completion.
    nonisolated(nonsending) func complete(_ request: ChatCompletionRequest, model: ModelInfo) async throws -> ChatCompletionResult

    /// A streamed completion. Returns once the provider accepted the request (HTTP errors throw here);
    /// errors after that are thrown by the sequence.
    nonisolated(nonsending) func stream(_ request: ChatCompletionRequest, model: ModelInfo) async throws -> ChatCompletionStream
}

/// A finished non-streamed completion.
public struct ChatCompletionResult: Sendable {
    /// The OpenAI `chat.completion` object (with `usage` in OpenAI's shape).
    public var body: JSONObject
    /// The normalised usage to bill.
    public var usage: TokenUsage
    /// The provider's request id (`x-request-id`, `request-id`, Gemini `responseId`), for support tickets.
    public var providerRequestID: String?
    /// The provider that served it.
    public var provider: String

    public init(body: JSONObject, usage: TokenUsage, providerRequestID: String?, provider: String) {
        self.body = body
        self.usage = usage
        self.providerRequestID = providerRequestID
        self.provider = provider
    }
}
