import LayersCore
import LayersCredits
import LayersModels

/// An adapter's translations without the network: the upstream body for a request, and the OpenAI-shaped answer
/// for the provider's bytes. For benchmarks (bench/providers), tests, and apps that bring their own transport.
///
/// ```swift
/// let translator = OfflineTranslator(api: .anthropic, model: model)
/// let prepared = try translator.prepare(request, stream: false)
/// send(prepared.body) ... 
/// let result = try translator.response(from: answerBytes, prepared: prepared)
/// ```
public struct OfflineTranslator: Sendable {
    public let api: ProviderAPI
    public let model: ModelInfo
    let context: ProviderContext

    public init(api: ProviderAPI, model: ModelInfo) {
        self.api = api
        self.model = model
        context = ProviderContext(provider: model.provider.rawValue, model: model.id)
    }

    /// A translated request: the upstream JSON body plus what the answer's translation needs to know.
    public struct Prepared: Sendable {
        public let body: [UInt8]
        let request: JSONObject
        let plan: AnthropicPlan
    }

    /// The upstream body for `request`.
    public func prepare(_ request: ChatCompletionRequest, stream: Bool) throws -> Prepared {
        switch api {
        case .anthropic:
            let (body, plan) = try AnthropicRequestBuilder.build(request.json, model: model, stream: stream)
            return Prepared(body: JSONValue.object(body).serializedBytes(), request: request.json, plan: plan)
        case .gemini:
            let body = try GeminiRequestBuilder.build(request.json, model: model)
            return Prepared(body: JSONValue.object(body).serializedBytes(), request: request.json, plan: AnthropicPlan())
        case .openAI, .openAICompatible, .perplexity, .vercelGateway:
            let name = api == .vercelGateway ? model.id : model.upstreamName
            let body = OpenAIRequestBuilder.body(from: request.json, upstreamModel: name, stream: stream, api: api,
                                                 reasoningModel: model.has(.thinking))
            return Prepared(body: JSONValue.object(body).serializedBytes(), request: request.json, plan: AnthropicPlan())
        }
    }

    /// The `chat.completion` for a provider's non-streamed answer body.
    public func response(from bytes: [UInt8], prepared: Prepared) throws -> ChatCompletionResult {
        guard case .object(let json) = try JSONValue.parse(bytes) else { throw context.unreadable("not an object") }
        switch api {
        case .anthropic:
            let (body, usage) = try AnthropicResponse.translate(json, plan: prepared.plan, model: model, context: context)
            return ChatCompletionResult(body: body, usage: usage, providerRequestID: nil, provider: context.provider)
        case .gemini:
            let (body, usage) = GeminiResponse.translate(json, model: model)
            return ChatCompletionResult(body: body, usage: usage, providerRequestID: nil, provider: context.provider)
        default:
            let out = OpenAIResponse.normalise(json, request: prepared.request, model: model, api: api,
                                               requestBytes: prepared.body.count)
            return ChatCompletionResult(body: out.body, usage: out.usage, providerRequestID: nil, provider: context.provider)
        }
    }

    /// A stream's chunks for the provider's SSE bytes (delivered in `pieces`, as they would arrive), and its usage.
    /// `onChunk` sees every chunk; nothing is accumulated.
    public func stream(_ pieces: [[UInt8]], prepared: Prepared,
                       onChunk: (JSONObject) -> Void) throws -> TokenUsage {
        switch api {
        case .anthropic:
            return try run(AnthropicStreamTranslator(plan: prepared.plan, model: model, context: context), pieces, onChunk)
        case .gemini:
            return try run(GeminiStreamTranslator(model: model, context: context), pieces, onChunk)
        default:
            return try run(OpenAIStreamTranslator(model: model, api: api, request: prepared.request,
                                                  requestBytes: prepared.body.count, context: context), pieces, onChunk)
        }
    }

    private func run<T: StreamTranslator>(_ translator: T, _ pieces: [[UInt8]],
                                          _ onChunk: (JSONObject) -> Void) throws -> TokenUsage {
        var translator = translator
        var decoder = SSEDecoder()
        var chunks: [JSONObject] = []
        for piece in pieces {
            try decoder.feed(piece) { try translator.translate($0, into: &chunks) }
            chunks.forEach(onChunk)
            chunks.removeAll(keepingCapacity: true)
        }
        if let last = decoder.finish() { try translator.translate(last, into: &chunks) }
        try translator.finish(into: &chunks)
        chunks.forEach(onChunk)
        return translator.usage
    }
}
