import Foundation
import LayersCore
import LayersCredits
import LayersModels

/// The sandbox as a ``ChatBackend``: every model answers from ``SandboxSimulator``, in the exact OpenAI shapes.
public struct SandboxBackend: ChatBackend {
    let simulator = SandboxSimulator()
    /// Words per streamed content chunk.
    let wordsPerChunk = 3

    public init() {}

    public func availability(of model: ModelInfo) -> LayersError? { nil }

    func answer(_ call: ChatCall) -> SandboxAnswer {
        simulator.answer(request: call.body, model: call.model.id, supportsReasoning: call.model.has(.thinking))
    }

    static func created(_ answer: SandboxAnswer) -> Int { Int(Date().timeIntervalSince1970) }

    nonisolated(nonsending) public func complete(_ call: ChatCall) async throws -> ChatResult {
        let a = answer(call)
        var message = JSONObject()
        message["role"] = "assistant"
        message["content"] = a.content.map(JSONValue.string) ?? .null
        if let reasoning = a.reasoning { message["reasoning_content"] = .string(reasoning) }
        if !a.toolCalls.isEmpty {
            message["tool_calls"] = .array(a.toolCalls.map { call in
                ["id": .string(call.id), "type": "function",
                 "function": ["name": .string(call.name), "arguments": .string(call.arguments)]]
            })
        }
        message["refusal"] = .null
        var choice = JSONObject()
        choice["index"] = 0
        choice["message"] = .object(message)
        choice["logprobs"] = .null
        choice["finish_reason"] = .string(a.finishReason)
        var response = JSONObject()
        response["id"] = .string(a.id)
        response["object"] = "chat.completion"
        response["created"] = .number(JSONNumber(Self.created(a)))
        response["model"] = .string(call.model.id)
        response["choices"] = .array([.object(choice)])
        response["system_fingerprint"] = "layers-sandbox"
        return ChatResult(response: response, usage: a.usage)
    }

    nonisolated(nonsending) public func stream(_ call: ChatCall) async throws -> ChatEventStream {
        let a = answer(call)
        let model = call.model.id
        let created = Self.created(a)
        var chunks: [JSONObject] = []
        func chunk(_ delta: JSONObject, finish: String? = nil) -> JSONObject {
            var choice = JSONObject()
            choice["index"] = 0
            choice["delta"] = .object(delta)
            choice["logprobs"] = .null
            choice["finish_reason"] = finish.map(JSONValue.string) ?? .null
            var c = JSONObject()
            c["id"] = .string(a.id)
            c["object"] = "chat.completion.chunk"
            c["created"] = .number(JSONNumber(created))
            c["model"] = .string(model)
            c["system_fingerprint"] = "layers-sandbox"
            c["choices"] = .array([.object(choice)])
            return c
        }
        chunks.append(chunk(["role": "assistant", "content": ""]))
        if let reasoning = a.reasoning {
            for piece in Self.pieces(reasoning, words: wordsPerChunk) {
                chunks.append(chunk(["reasoning_content": .string(piece)]))
            }
        }
        if let content = a.content {
            for piece in Self.pieces(content, words: wordsPerChunk) { chunks.append(chunk(["content": .string(piece)])) }
        }
        for (index, tool) in a.toolCalls.enumerated() {
            chunks.append(chunk(["tool_calls": [[
                "index": .number(JSONNumber(index)), "id": .string(tool.id), "type": "function",
                "function": ["name": .string(tool.name), "arguments": ""]]]]))
            for piece in Self.pieces(tool.arguments, bytes: 16) {
                chunks.append(chunk(["tool_calls": [["index": .number(JSONNumber(index)),
                                                     "function": ["arguments": .string(piece)]]]]))
            }
        }
        chunks.append(chunk(JSONObject(), finish: a.finishReason))
        return ChatEventStream(chunks.map(ChatStreamEvent.chunk) + [.usage(a.usage)])
    }

    /// Splits text into pieces of a few words, keeping the spaces so the pieces concatenate back exactly.
    static func pieces(_ text: String, words: Int) -> [String] {
        var out: [String] = []
        var current = ""
        var count = 0
        for ch in text {
            current.append(ch)
            if ch == " " {
                count += 1
                if count == words { out.append(current); current = ""; count = 0 }
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// Splits text into pieces of at most `bytes` characters.
    static func pieces(_ text: String, bytes: Int) -> [String] {
        var out: [String] = []
        var current = ""
        for ch in text {
            current.append(ch)
            if current.count >= bytes { out.append(current); current = "" }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }
}
