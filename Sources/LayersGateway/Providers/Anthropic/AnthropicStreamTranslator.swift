import Foundation
import LayersCore
import LayersCredits
import LayersModels

/// Anthropic Messages stream events -> OpenAI chunks.
///
/// message_start -> role chunk; text_delta -> `content`; thinking_delta -> `reasoning_content`; a finished
/// thinking block -> `thinking_blocks` (with its signature, for the next turn); tool_use start -> a tool call with
/// id and name; input_json_delta -> argument fragments; message_delta -> finish reason and output tokens;
/// message_stop -> the usage chunk. `ping` is ignored; `error` is thrown.
struct AnthropicStreamTranslator: StreamTranslator {
    private enum Block: Sendable {
        case text
        case thinking(text: String, signature: String)
        case tool(index: Int)
        case jsonTool
        case other
    }

    let plan: AnthropicPlan
    let context: ProviderContext
    private var factory: ChunkFactory
    private var blocks: [Int: Block] = [:]
    private var nextToolIndex = 0
    private var anthropicUsage = AnthropicUsage()
    private var sawMessageDelta = false
    private var sawStop = false
    private var reasoningCharacters = 0
    private var outputCharacters = 0
    private var jsonPrefixPending = false
    private(set) var finishReason: String?

    init(plan: AnthropicPlan, model: ModelInfo, context: ProviderContext) {
        self.plan = plan
        self.context = context
        factory = ChunkFactory(id: "chatcmpl-layers", created: Int(Date().timeIntervalSince1970), model: model.id)
    }

    var completed: Bool { sawStop }
    var usageIsEstimated: Bool { !sawMessageDelta }

    var usage: TokenUsage {
        var u = anthropicUsage
        if !sawMessageDelta { u.outputTokens = max(u.outputTokens, AnthropicUsage.estimateTokens(characters: outputCharacters)) }
        return u.tokenUsage(reasoningEstimate: AnthropicUsage.estimateTokens(characters: reasoningCharacters))
    }

    mutating func translate(_ event: SSEEvent, into chunks: inout [JSONObject]) throws {
        guard !event.data.isEmpty, case .object(let json) = try JSONValue.parse(event.data) else { return }
        switch json["type"]?.stringValue ?? event.event {
        case "message_start"?:
            if let id = json["message"]?["id"]?.stringValue { factory.id = "chatcmpl-" + id }
            anthropicUsage.merge(json["message"]?["usage"])
            chunks.append(factory.chunk(delta: ["role": "assistant", "content": ""]))
        case "content_block_start"?:
            let index = json["index"]?.intValue ?? 0
            let block = json["content_block"]
            switch block?["type"]?.stringValue {
            case "text"?:
                blocks[index] = .text
                if let text = block?["text"]?.stringValue, !text.isEmpty { emitContent(text, into: &chunks) }
            case "thinking"?:
                blocks[index] = .thinking(text: "", signature: "")
            case "redacted_thinking"?:
                blocks[index] = .other
                chunks.append(factory.chunk(delta: ["thinking_blocks": [["type": "redacted_thinking",
                                                                        "data": block?["data"] ?? ""]]]))
            case "tool_use"?:
                if let jsonTool = plan.jsonToolName, block?["name"]?.stringValue == jsonTool {
                    blocks[index] = .jsonTool
                } else {
                    let toolIndex = nextToolIndex
                    nextToolIndex += 1
                    blocks[index] = .tool(index: toolIndex)
                    let call: JSONObject = ["index": JSONValue(toolIndex), "id": block?["id"] ?? "", "type": "function",
                                            "function": ["name": block?["name"] ?? "", "arguments": ""]]
                    chunks.append(factory.chunk(delta: ["tool_calls": [.object(call)]]))
                }
            default:
                blocks[index] = .other
            }
        case "content_block_delta"?:
            let index = json["index"]?.intValue ?? 0
            let delta = json["delta"]
            switch (delta?["type"]?.stringValue, blocks[index]) {
            case ("text_delta"?, _):
                emitContent(delta?["text"]?.stringValue ?? "", into: &chunks)
            case ("thinking_delta"?, .thinking(let text, let signature)?):
                let piece = delta?["thinking"]?.stringValue ?? ""
                blocks[index] = .thinking(text: text + piece, signature: signature)
                reasoningCharacters += piece.count
                outputCharacters += piece.count
                if !piece.isEmpty { chunks.append(factory.chunk(delta: ["reasoning_content": .string(piece)])) }
            case ("signature_delta"?, .thinking(let text, let signature)?):
                blocks[index] = .thinking(text: text, signature: signature + (delta?["signature"]?.stringValue ?? ""))
            case ("input_json_delta"?, .tool(let toolIndex)?):
                let partial = delta?["partial_json"]?.stringValue ?? ""
                guard !partial.isEmpty else { return }
                outputCharacters += partial.count
                chunks.append(factory.chunk(delta: ["tool_calls": [["index": JSONValue(toolIndex),
                                                                    "function": ["arguments": .string(partial)]]]]))
            case ("input_json_delta"?, .jsonTool?):
                emitJSONContent(delta?["partial_json"]?.stringValue ?? "", into: &chunks)
            default:
                break  // citations_delta and blocks we do not surface
            }
        case "content_block_stop"?:
            let index = json["index"]?.intValue ?? 0
            if case .thinking(let text, let signature)? = blocks[index] {
                chunks.append(factory.chunk(delta: ["thinking_blocks": [["type": "thinking", "thinking": .string(text),
                                                                        "signature": .string(signature)]]]))
            }
            if case .jsonTool? = blocks[index], plan.jsonWrapped { emitJSONContent("", into: &chunks, closing: true) }
        case "message_delta"?:
            sawMessageDelta = true
            anthropicUsage.merge(json["usage"])
            let reason = anthropicFinishReason(json["delta"]?["stop_reason"]?.stringValue, plan: plan)
            finishReason = reason
            chunks.append(factory.chunk(delta: [:], finishReason: reason))
        case "message_stop"?:
            sawStop = true
        case "error"?:
            throw context.streamError(type: json["error"]?["type"]?.stringValue,
                                      message: json["error"]?["message"]?.stringValue ?? "stream error")
        default:
            break  // ping and future event types
        }
    }

    mutating func finish(into chunks: inout [JSONObject]) throws {
        guard sawStop else {
            throw LayersError.providerError(provider: context.provider, model: context.model,
                                            message: "the stream ended before message_stop", upstreamStatus: nil)
        }
        chunks.append(factory.usageChunk(OpenAIUsage(usage).toJSON()))
    }

    private mutating func emitContent(_ text: String, into chunks: inout [JSONObject]) {
        guard !text.isEmpty else { return }
        outputCharacters += text.count
        chunks.append(factory.chunk(delta: ["content": .string(text)]))
    }

    /// Forced-tool JSON streamed as content. A wrapped schema (`{"value": X}`) is unwrapped on the fly: the
    /// `{"value":` prefix is held back and the closing brace dropped at the end.
    private mutating func emitJSONContent(_ partial: String, into chunks: inout [JSONObject], closing: Bool = false) {
        guard plan.jsonWrapped else { return emitContent(partial, into: &chunks) }
        jsonBuffer += partial
        if !jsonStarted {
            guard let colon = jsonBuffer.firstIndex(of: ":") else { return }
            jsonBuffer = String(jsonBuffer[jsonBuffer.index(after: colon)...])
            jsonStarted = true
        }
        if closing {
            var rest = jsonBuffer
            while let last = rest.last, last.isWhitespace || last == "}" {
                rest.removeLast()
                if last == "}" { break }
            }
            jsonBuffer = ""
            emitContent(rest, into: &chunks)
            return
        }
        // Hold back a trailing part that may be the wrapper's closing brace.
        let keep = jsonBuffer.reversed().prefix(while: { $0.isWhitespace || $0 == "}" }).count
        let ready = String(jsonBuffer.dropLast(keep))
        jsonBuffer = String(jsonBuffer.suffix(keep))
        emitContent(ready, into: &chunks)
    }

    private var jsonBuffer = ""
    private var jsonStarted = false
}
