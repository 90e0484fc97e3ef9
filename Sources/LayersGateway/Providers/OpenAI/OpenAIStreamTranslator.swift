import LayersCore
import LayersCredits
import LayersModels

/// OpenAI-compatible SSE chunks -> our chunks: model id replaced, `<think>` split into `reasoning_content`,
/// usage collected wherever the provider puts it (its own chunk, or Perplexity's finish chunk) and re-emitted as
/// one final usage chunk.
struct OpenAIStreamTranslator: StreamTranslator {
    let modelID: String
    let api: ProviderAPI
    let request: JSONObject
    let requestBytes: Int
    let context: ProviderContext
    let format: ReasoningFormat
    private var splitters: [Int: ThinkTagSplitter] = [:]
    private var upstreamUsage: JSONObject?
    private var sawDone = false
    private var template: ChunkFactory?
    private var outputBytes = 0
    private(set) var finishReason: String?

    init(model: ModelInfo, api: ProviderAPI, request: JSONObject, requestBytes: Int, context: ProviderContext) {
        self.modelID = model.id
        self.api = api
        self.request = request
        self.requestBytes = requestBytes
        self.context = context
        self.format = ReasoningFormat(request: request)
    }

    var completed: Bool { sawDone || (finishReason != nil && upstreamUsage != nil) }

    var usage: TokenUsage {
        if let upstreamUsage { return OpenAIUsageMapping.tokenUsage(upstreamUsage, request: request) }
        return TokenUsage(promptTokens: OpenAIUsageMapping.estimateTokens(bytes: requestBytes),
                          completionTokens: OpenAIUsageMapping.estimateTokens(bytes: outputBytes))
    }

    var usageIsEstimated: Bool { upstreamUsage == nil }

    mutating func translate(_ event: SSEEvent, into chunks: inout [JSONObject]) throws {
        if event.isDone { sawDone = true; return }
        if event.data.isEmpty { return }
        guard case .object(var chunk) = try JSONValue.parse(event.data) else {
            throw context.unreadable("stream event is not a JSON object")
        }
        if let error = chunk["error"] {
            throw context.streamError(type: error["type"]?.stringValue ?? error["code"]?.stringValue,
                                      message: error["message"]?.stringValue ?? error.stringValue ?? "stream error")
        }
        chunk["model"] = .string(modelID)
        if template == nil {
            template = ChunkFactory(id: chunk["id"]?.stringValue ?? "chatcmpl-layers",
                                    created: chunk["created"]?.intValue ?? 0, model: modelID)
        }
        if case .object(let usage)? = chunk.removeValue(forKey: "usage") { upstreamUsage = usage }
        guard case .array(var choices)? = chunk["choices"], !choices.isEmpty else { return }  // usage-only chunk
        for i in choices.indices {
            guard case .object(var choice) = choices[i] else { continue }
            let index = choice["index"]?.intValue ?? 0
            if let reason = choice["finish_reason"]?.stringValue, index == 0 { finishReason = reason }
            if case .object(var delta)? = choice["delta"] {
                if case .string(let text)? = delta["content"] {
                    outputBytes += text.utf8.count
                    if api != .openAI && format != .raw {
                        var splitter = splitters[index] ?? ThinkTagSplitter()
                        let (reasoning, content) = splitter.feed(text)
                        splitters[index] = splitter
                        delta["content"] = .string(content)
                        if !reasoning.isEmpty && format == .parsed { delta["reasoning_content"] = .string(reasoning) }
                    }
                }
                if case .array(let calls)? = delta["tool_calls"] {
                    for call in calls { outputBytes += call["function"]?["arguments"]?.stringValue?.utf8.count ?? 0 }
                }
                choice["delta"] = .object(delta)
            }
            choices[i] = .object(choice)
        }
        chunk["choices"] = .array(choices)
        chunks.append(chunk)
    }

    mutating func finish(into chunks: inout [JSONObject]) throws {
        let factory = template ?? ChunkFactory(id: "chatcmpl-layers", created: 0, model: modelID)
        for (index, var splitter) in splitters.sorted(by: { $0.key < $1.key }) {
            let (reasoning, content) = splitter.flush()
            if reasoning.isEmpty && content.isEmpty { continue }
            var delta: JSONObject = ["content": .string(content)]
            if !reasoning.isEmpty && format == .parsed { delta["reasoning_content"] = .string(reasoning) }
            chunks.append(factory.chunk(delta: delta, index: index))
        }
        splitters.removeAll()
        guard completed else {
            throw LayersError.providerError(provider: context.provider, model: context.model,
                                            message: "the stream ended before the provider finished", upstreamStatus: nil)
        }
        let normalised = usage
        let clientUsage = upstreamUsage.map { OpenAIUsageMapping.clientUsage($0, normalised: normalised, api: api) }
            ?? OpenAIUsage(normalised).toJSON()
        chunks.append(factory.usageChunk(clientUsage))
    }
}
