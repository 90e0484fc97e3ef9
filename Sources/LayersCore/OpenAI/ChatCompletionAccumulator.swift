/// Folds a stream of chunks back into one `ChatCompletionResponse`, the way the OpenAI SDKs'
/// stream helpers do: content and reasoning text concatenated per choice, tool-call fragments
/// joined by `index`, the last `finish_reason` and `usage` kept.
///
/// Also counts the output bytes seen, so a stream cut short (no usage chunk) can still be
/// billed from an estimate.
///
/// ```swift
/// var accumulator = ChatCompletionAccumulator()
/// for chunk in chunks { accumulator.add(chunk) }
/// let response = accumulator.response()
/// ```
public struct ChatCompletionAccumulator: Sendable {
    private struct ToolCallParts: Sendable {
        var id = ""
        var type = "function"
        var name = ""
        var arguments = ""
    }

    private struct ChoiceParts: Sendable {
        var content: String?
        var reasoning: String?
        var refusal: String?
        var toolCalls: [Int: ToolCallParts] = [:]
        var finishReason: FinishReason?
    }

    private var choices: [Int: ChoiceParts] = [:]
    private var id = ""
    private var created: Int64 = 0
    private var model = ""
    private var systemFingerprint: String?
    private var extraFields = JSONObject()

    /// The usage from the stream's usage chunk, if one arrived.
    public private(set) var usage: OpenAIUsage?
    /// UTF-8 bytes of content, reasoning, refusal and tool-call text seen so far.
    public private(set) var outputBytes = 0
    /// Number of chunks added.
    public private(set) var chunkCount = 0

    public init() {}

    /// Adds one chunk.
    public mutating func add(_ chunk: ChatCompletionChunk) {
        chunkCount += 1
        if id.isEmpty { id = chunk.id }
        if created == 0 { created = chunk.created }
        if model.isEmpty { model = chunk.model }
        if let fingerprint = chunk.systemFingerprint { systemFingerprint = fingerprint }
        if let usage = chunk.usage { self.usage = usage }
        for (key, value) in chunk.extraFields { extraFields[key] = value }
        for choice in chunk.choices {
            var parts = choices[choice.index] ?? ChoiceParts()
            let delta = choice.delta
            if let text = delta.content {
                parts.content = (parts.content ?? "") + text
                outputBytes += text.utf8.count
            }
            if let text = delta.reasoningContent {
                parts.reasoning = (parts.reasoning ?? "") + text
                outputBytes += text.utf8.count
            }
            if let text = delta.refusal {
                parts.refusal = (parts.refusal ?? "") + text
                outputBytes += text.utf8.count
            }
            for fragment in delta.toolCalls {
                var call = parts.toolCalls[fragment.index] ?? ToolCallParts()
                if let id = fragment.id { call.id = id }
                if let type = fragment.type { call.type = type }
                if let name = fragment.name {
                    call.name += name
                    outputBytes += name.utf8.count
                }
                if let arguments = fragment.arguments {
                    call.arguments += arguments
                    outputBytes += arguments.utf8.count
                }
                parts.toolCalls[fragment.index] = call
            }
            if let reason = choice.finishReason { parts.finishReason = reason }
            choices[choice.index] = parts
        }
    }

    /// The response so far. A choice without a finish reason (a cut stream) reads as `stop`,
    /// or `tool_calls` when it made tool calls.
    public func response() -> ChatCompletionResponse {
        let built = choices.keys.sorted().map { index -> ChatCompletionResponse.Choice in
            let parts = choices[index]!
            let calls = parts.toolCalls.keys.sorted().map { key -> ToolCall in
                let call = parts.toolCalls[key]!
                return ToolCall(id: call.id, type: call.type, name: call.name, arguments: call.arguments)
            }
            let message = AssistantMessage(content: parts.content, refusal: parts.refusal, toolCalls: calls,
                                           reasoningContent: parts.reasoning)
            return .init(index: index, message: message,
                         finishReason: parts.finishReason ?? (calls.isEmpty ? .stop : .toolCalls))
        }
        return ChatCompletionResponse(id: id, created: created, model: model, choices: built, usage: usage,
                                      systemFingerprint: systemFingerprint, extraFields: extraFields)
    }
}
