import Foundation
import LayersCore
import LayersCredits
import LayersModels

/// Gemini `streamGenerateContent?alt=sse` events (each a full `GenerateContentResponse`) -> OpenAI chunks.
struct GeminiStreamTranslator: StreamTranslator {
    let context: ProviderContext
    private var factory: ChunkFactory
    private var started = false
    private var metadata: JSONValue?
    private var toolIndex: [Int: Int] = [:]
    private var finished: Set<Int> = []
    private var images = 0
    private var searches = 0
    private var outputCharacters = 0
    private var blocked = false
    private(set) var finishReason: String?

    init(model: ModelInfo, context: ProviderContext) {
        self.context = context
        factory = ChunkFactory(id: "chatcmpl-layers", created: Int(Date().timeIntervalSince1970), model: model.id)
    }

    var completed: Bool { finishReason != nil || blocked }
    var usageIsEstimated: Bool { metadata?["candidatesTokenCount"] == nil }

    var usage: TokenUsage {
        var usage = GeminiUsage.tokenUsage(metadata, images: images, searches: searches)
        if usageIsEstimated { usage.completionTokens = max(usage.completionTokens, (outputCharacters + 3) / 4) }
        return usage
    }

    mutating func translate(_ event: SSEEvent, into chunks: inout [JSONObject]) throws {
        guard !event.data.isEmpty, case .object(let json) = try JSONValue.parse(event.data) else { return }
        if let error = json["error"] {
            throw context.streamError(type: error["status"]?.stringValue,
                                      message: error["message"]?.stringValue ?? "stream error")
        }
        if !started {
            started = true
            if let id = json["responseId"]?.stringValue { factory.id = "chatcmpl-" + id }
            chunks.append(factory.chunk(delta: ["role": "assistant", "content": ""]))
        }
        if let usage = json["usageMetadata"] { metadata = usage }
        for (i, candidate) in (json["candidates"]?.arrayValue ?? []).enumerated() {
            let index = candidate["index"]?.intValue ?? i
            var c = GeminiResponse.Candidate()
            GeminiResponse.read(parts: candidate["content"]?["parts"]?.arrayValue ?? [], into: &c)
            images += c.images.count
            searches = max(searches, candidate["groundingMetadata"]?["webSearchQueries"]?.arrayValue?.count ?? 0)
            if !c.reasoning.isEmpty {
                outputCharacters += c.reasoning.count
                chunks.append(factory.chunk(delta: ["reasoning_content": .string(c.reasoning)], index: index))
            }
            if !c.text.isEmpty {
                outputCharacters += c.text.count
                chunks.append(factory.chunk(delta: ["content": .string(c.text)], index: index))
            }
            if !c.images.isEmpty { chunks.append(factory.chunk(delta: ["images": .array(c.images)], index: index)) }
            if !c.toolCalls.isEmpty {
                var calls: [JSONValue] = []
                for call in c.toolCalls {
                    guard case .object(var object) = call else { continue }
                    let n = toolIndex[index, default: 0]
                    toolIndex[index] = n + 1
                    object["index"] = JSONValue(n)
                    outputCharacters += object["function"]?["arguments"]?.stringValue?.count ?? 0
                    calls.append(.object(object))
                }
                chunks.append(factory.chunk(delta: ["tool_calls": .array(calls)], index: index))
            }
            if let reason = geminiFinishReason(candidate["finishReason"]?.stringValue,
                                               hasToolCalls: toolIndex[index, default: 0] > 0),
               finished.insert(index).inserted {
                if index == 0 { finishReason = reason }
                chunks.append(factory.chunk(delta: [:], finishReason: reason, index: index))
            }
        }
        if json["candidates"] == nil, json["promptFeedback"]?["blockReason"] != nil, !blocked {
            blocked = true
            finishReason = "content_filter"
            let reason = json["promptFeedback"]?["blockReason"]?.stringValue ?? ""
            chunks.append(factory.chunk(delta: ["refusal": .string("prompt blocked by the provider (\(reason))")],
                                        finishReason: "content_filter"))
        }
    }

    mutating func finish(into chunks: inout [JSONObject]) throws {
        guard completed else {
            throw LayersError.providerError(provider: context.provider, model: context.model,
                                            message: "the stream ended before a finish reason", upstreamStatus: nil)
        }
        chunks.append(factory.usageChunk(OpenAIUsage(usage).toJSON()))
    }
}
