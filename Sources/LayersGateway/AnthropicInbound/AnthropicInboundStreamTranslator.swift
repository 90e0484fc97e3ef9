import LayersCore

/// Turns a stream of OpenAI `chat.completion.chunk` objects into Anthropic Messages stream events.
///
/// Emits `message_start` on the first chunk; then, per content block, `content_block_start`, its deltas
/// (`thinking_delta` from `reasoning_content`, `text_delta` from `content`, `input_json_delta` from tool-call
/// argument fragments) and `content_block_stop`; and, when the stream ends (`finish()`), `message_delta` with
/// the stop reason and the usage (from the final usage chunk) followed by `message_stop`. An `error` member in a
/// chunk becomes an `error` event and ends the stream.
///
/// ```swift
/// var translator = AnthropicInboundStreamTranslator(model: "openai/gpt-4o")
/// for chunk in chunks { out += AnthropicInboundStreamTranslator.encode(translator.translate(chunk: chunk)) }
/// out += AnthropicInboundStreamTranslator.encode(translator.finish())
/// ```
public struct AnthropicInboundStreamTranslator: Sendable {
    private enum OpenBlock: Sendable, Equatable {
        case none
        case text(Int)
        case thinking(Int)
        case tool(Int)

        var index: Int? {
            switch self {
            case .none: return nil
            case .text(let i), .thinking(let i), .tool(let i): return i
            }
        }
    }

    public let model: String
    private var messageID: String?
    private var started = false
    private var finished = false
    private var nextIndex = 0
    private var open: OpenBlock = .none
    /// OpenAI tool-call index -> Anthropic block index.
    private var toolBlocks: [Int: Int] = [:]
    private var finishReason: String?
    private var usage: JSONValue?
    private var layers: JSONValue?

    /// - Parameters:
    ///   - model: the model id reported in `message_start` (the one the client asked for).
    ///   - messageID: the `msg_…` id; by default derived from the first chunk's id.
    public init(model: String, messageID: String? = nil) {
        self.model = model
        self.messageID = messageID
    }

    /// True once `finish()` or an error event has ended the stream.
    public var isFinished: Bool { finished }

    /// The events for one OpenAI chunk (possibly none).
    public mutating func translate(chunk: JSONValue) -> [SSEEvent] {
        guard !finished else { return [] }
        if let error = chunk["error"], !error.isNull {
            let status = error["status"]?.intValue ?? error["code"]?.intValue ?? 500
            let message = error["message"]?.stringValue ?? error.stringValue ?? "upstream stream error"
            return fail(AnthropicInboundError(status: status, message: message))
        }
        var events = startIfNeeded(id: chunk["id"]?.stringValue)
        if let u = chunk["usage"], !u.isNull { usage = u }
        if let l = chunk["layers"], !l.isNull { layers = l }
        guard let choice = chunk["choices"]?[0] else { return events }
        let delta = choice["delta"]
        if let reasoning = (delta?["reasoning_content"] ?? delta?["reasoning"])?.stringValue, !reasoning.isEmpty {
            if case .thinking = open {} else {
                events += openBlock(.thinking(nextIndex), ["type": "thinking", "thinking": "", "signature": ""])
            }
            events.append(Self.delta(open.index!, ["type": "thinking_delta", "thinking": .string(reasoning)]))
        }
        if let text = delta?["content"]?.stringValue, !text.isEmpty {
            if case .text = open {} else {
                events += openBlock(.text(nextIndex), ["type": "text", "text": ""])
            }
            events.append(Self.delta(open.index!, ["type": "text_delta", "text": .string(text)]))
        }
        for block in delta?["thinking_blocks"]?.arrayValue ?? [] {
            events += thinkingBlockDelta(block)
        }
        for call in delta?["tool_calls"]?.arrayValue ?? [] {
            events += toolCallDelta(call)
        }
        if let reason = choice["finish_reason"]?.stringValue { finishReason = reason }
        return events
    }

    /// The events for one SSE `data:` payload of an OpenAI stream (`[DONE]` finishes; unparsable data is ignored).
    public mutating func translate(data: String) -> [SSEEvent] {
        if data == "[DONE]" { return finish() }
        guard let chunk = try? JSONValue.parse(data) else { return [] }
        return translate(chunk: chunk)
    }

    /// Closes the open block and ends the message (`message_delta` with stop reason and usage, `message_stop`).
    public mutating func finish() -> [SSEEvent] {
        guard !finished else { return [] }
        var events = startIfNeeded(id: nil)
        events += closeOpenBlock()
        finished = true
        var usageObject = AnthropicInboundUsage.anthropicUsage(fromOpenAI: usage)
        if usage == nil { usageObject = ["output_tokens": 0] }
        var body: JSONObject = [
            "type": "message_delta",
            "delta": ["stop_reason": .string(AnthropicInboundStopReason.from(finishReason: finishReason)),
                      "stop_sequence": .null],
            "usage": .object(usageObject),
        ]
        if let layers { body["layers"] = layers }
        events.append(Self.event("message_delta", .object(body)))
        events.append(Self.event("message_stop", ["type": "message_stop"]))
        return events
    }

    /// Ends the stream with an `error` event, as Anthropic does for a failure mid-stream.
    public mutating func fail(_ error: AnthropicInboundError) -> [SSEEvent] {
        guard !finished else { return [] }
        finished = true
        return [Self.event("error", error.body)]
    }

    /// The stop reason the stream ended with (Anthropic's vocabulary), for logging.
    public var stopReason: String { AnthropicInboundStopReason.from(finishReason: finishReason) }

    /// Encodes events as SSE bytes (`event: <type>\ndata: <json>\n\n`).
    public static func encode(_ events: [SSEEvent]) -> [UInt8] {
        var out: [UInt8] = []
        for event in events { SSEEncoder.write(event, to: &out) }
        return out
    }

    // MARK: - Building events

    private mutating func startIfNeeded(id: String?) -> [SSEEvent] {
        guard !started else { return [] }
        started = true
        let id = messageID ?? AnthropicInboundResponseTranslator.messageID(id)
        messageID = id
        let message: JSONValue = [
            "id": .string(id), "type": "message", "role": "assistant", "model": .string(model),
            "content": [], "stop_reason": .null, "stop_sequence": .null,
            "usage": ["input_tokens": 0, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
                      "output_tokens": 0],
        ]
        return [Self.event("message_start", ["type": "message_start", "message": message])]
    }

    /// A finished Anthropic thinking block from the adapter: its signature closes the open thinking block
    /// (`signature_delta`); a redacted block is a block of its own.
    private mutating func thinkingBlockDelta(_ block: JSONValue) -> [SSEEvent] {
        switch block["type"]?.stringValue {
        case "thinking":
            guard let signature = block["signature"]?.stringValue, !signature.isEmpty else { return [] }
            var events: [SSEEvent] = []
            if case .thinking = open {} else {
                events += openBlock(.thinking(nextIndex), ["type": "thinking", "thinking": "", "signature": ""])
            }
            events.append(Self.delta(open.index!, ["type": "signature_delta", "signature": .string(signature)]))
            return events
        case "redacted_thinking":
            var events = openBlock(.thinking(nextIndex), ["type": "redacted_thinking", "data": block["data"] ?? ""])
            events += closeOpenBlock()
            return events
        default:
            return []
        }
    }

    private mutating func toolCallDelta(_ call: JSONValue) -> [SSEEvent] {
        var events: [SSEEvent] = []
        let toolIndex = call["index"]?.intValue ?? 0
        let blockIndex: Int
        if let existing = toolBlocks[toolIndex] {
            blockIndex = existing
        } else {
            blockIndex = nextIndex
            toolBlocks[toolIndex] = blockIndex
            let block: JSONValue = ["type": "tool_use",
                                    "id": .string(AnthropicInboundResponseTranslator.toolUseID(call["id"]?.stringValue)),
                                    "name": .string(call["function"]?["name"]?.stringValue ?? ""),
                                    "input": .object(JSONObject())]
            events += openBlock(.tool(blockIndex), block)
        }
        if let fragment = call["function"]?["arguments"]?.stringValue, !fragment.isEmpty {
            events.append(Self.delta(blockIndex, ["type": "input_json_delta", "partial_json": .string(fragment)]))
        }
        return events
    }

    private mutating func openBlock(_ block: OpenBlock, _ contentBlock: JSONValue) -> [SSEEvent] {
        var events = closeOpenBlock()
        let index = block.index!
        nextIndex = index + 1
        open = block
        events.append(Self.event("content_block_start",
                                 ["type": "content_block_start", "index": .number(JSONNumber(index)),
                                  "content_block": contentBlock]))
        return events
    }

    private mutating func closeOpenBlock() -> [SSEEvent] {
        guard let index = open.index else { return [] }
        open = .none
        return [Self.event("content_block_stop", ["type": "content_block_stop", "index": .number(JSONNumber(index))])]
    }

    private static func delta(_ index: Int, _ delta: JSONValue) -> SSEEvent {
        event("content_block_delta", ["type": "content_block_delta", "index": .number(JSONNumber(index)), "delta": delta])
    }

    private static func event(_ name: String, _ data: JSONValue) -> SSEEvent {
        SSEEvent(event: name, data: data.serialized())
    }
}
