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
    /// `modelID` as a JSON string literal, spliced into chunks that keep the provider's bytes.
    private let modelJSON: [UInt8]

    init(model: ModelInfo, api: ProviderAPI, request: JSONObject, requestBytes: Int, context: ProviderContext) {
        self.modelID = model.id
        self.api = api
        self.request = request
        self.requestBytes = requestBytes
        self.context = context
        self.format = ReasoningFormat(request: request)
        self.modelJSON = JSONValue.string(model.id).serializedBytes()
    }

    var completed: Bool { sawDone || (finishReason != nil && upstreamUsage != nil) }

    var usage: TokenUsage {
        if let upstreamUsage { return OpenAIUsageMapping.tokenUsage(upstreamUsage, request: request) }
        return TokenUsage(promptTokens: OpenAIUsageMapping.estimateTokens(bytes: requestBytes),
                          completionTokens: OpenAIUsageMapping.estimateTokens(bytes: outputBytes))
    }

    var usageIsEstimated: Bool { upstreamUsage == nil }

    mutating func translate(_ event: SSEEvent, into chunks: inout [JSONObject]) throws {
        var translated: [TranslatedChunk] = []
        try translate(event, into: &translated)
        for chunk in translated { chunks.append(chunk.object) }
    }

    /// Most chunks change only in `model`: those keep the provider's bytes with the model spliced in
    /// (``CompactJSONSplice``), and are rebuilt only when something else changes.
    mutating func translate(_ event: SSEEvent, into chunks: inout [TranslatedChunk]) throws {
        if event.isDone { sawDone = true; return }
        if event.data.isEmpty { return }
        guard case .object(var chunk) = try JSONValue.parse(event.data) else {
            throw context.unreadable("stream event is not a JSON object")
        }
        if let error = chunk["error"] {
            throw context.streamError(type: error["type"]?.stringValue ?? error["code"]?.stringValue,
                                      message: error["message"]?.stringValue ?? error.stringValue ?? "stream error")
        }
        let hadModel = chunk["model"] != nil
        chunk["model"] = .string(modelID)
        if template == nil {
            template = ChunkFactory(id: chunk["id"]?.stringValue ?? "chatcmpl-layers",
                                    created: chunk["created"]?.intValue ?? 0, model: modelID)
        }
        var changed = !hadModel
        if let usage = chunk.removeValue(forKey: "usage") {
            changed = true
            if case .object(let usage) = usage { upstreamUsage = usage }
        }
        guard case .array(let choices)? = chunk["choices"], !choices.isEmpty else { return }  // usage-only chunk
        var edited: [JSONValue]?
        for i in choices.indices {
            guard case .object(let choice) = choices[i] else { continue }
            let index = choice["index"]?.intValue ?? 0
            if index == 0, let reason = choice["finish_reason"]?.stringValue { finishReason = reason }
            guard case .object(var delta)? = choice["delta"] else { continue }
            if case .array(let calls)? = delta["tool_calls"] {
                for call in calls { outputBytes += call["function"]?["arguments"]?.stringValue?.utf8.count ?? 0 }
            }
            guard case .string(let text)? = delta["content"] else { continue }
            outputBytes += text.utf8.count
            guard api != .openAI && format != .raw else { continue }
            let (reasoning, content) = splitters[index, default: ThinkTagSplitter()].feed(text)
            if content == text && reasoning.isEmpty { continue }
            delta["content"] = .string(content)
            if !reasoning.isEmpty && format == .parsed { delta["reasoning_content"] = .string(reasoning) }
            var rebuilt = choice
            rebuilt["delta"] = .object(delta)
            if edited == nil { edited = choices }
            edited![i] = .object(rebuilt)
        }
        if let edited {
            chunk["choices"] = .array(edited)
            changed = true
        }
        let encoded = changed ? nil : event.data.utf8.withContiguousStorageIfAvailable {
            CompactJSONSplice.replacingMember("model", with: modelJSON, in: $0)
        } ?? nil
        chunks.append(TranslatedChunk(chunk, encoded: encoded))
    }

    mutating func finish(into chunks: inout [TranslatedChunk]) throws {
        var objects: [JSONObject] = []
        defer { for object in objects { chunks.append(TranslatedChunk(object)) } }
        try finish(into: &objects)
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
