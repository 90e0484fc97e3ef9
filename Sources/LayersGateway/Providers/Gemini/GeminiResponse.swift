import Foundation
import LayersCore
import LayersCredits
import LayersModels

/// Gemini `GenerateContentResponse` -> OpenAI `chat.completion`.
enum GeminiResponse {
    struct Candidate {
        var text = ""
        var reasoning = ""
        var toolCalls: [JSONValue] = []
        var images: [JSONValue] = []
    }

    /// The parts of one candidate's content, translated.
    static func read(parts: [JSONValue], into c: inout Candidate) {
        for part in parts {
            if let text = part["text"]?.stringValue {
                if part["thought"]?.boolValue == true { c.reasoning += text } else { c.text += text }
            } else if let call = part["functionCall"] {
                let id = GeminiToolCallID.make(signature: part["thoughtSignature"]?.stringValue)
                c.toolCalls.append(["id": .string(id), "type": "function",
                                    "function": ["name": call["name"] ?? "",
                                                 "arguments": .string((call["args"] ?? .object([:])).serialized())]])
            } else if let data = part["inlineData"], let mime = data["mimeType"]?.stringValue,
                      let payload = data["data"]?.stringValue {
                c.images.append(["type": "image_url", "image_url": ["url": .string("data:\(mime);base64,\(payload)")]])
            }
        }
    }

    static func translate(_ response: JSONObject, model: ModelInfo) -> (JSONObject, TokenUsage) {
        var choices: [JSONValue] = []
        var images = 0
        for (i, candidate) in (response["candidates"]?.arrayValue ?? []).enumerated() {
            var c = Candidate()
            read(parts: candidate["content"]?["parts"]?.arrayValue ?? [], into: &c)
            images += c.images.count
            var message: JSONObject = ["role": "assistant",
                                       "content": c.text.isEmpty && !c.toolCalls.isEmpty ? .null : .string(c.text),
                                       "refusal": .null]
            if !c.toolCalls.isEmpty { message["tool_calls"] = .array(c.toolCalls) }
            if !c.reasoning.isEmpty { message["reasoning_content"] = .string(c.reasoning) }
            if !c.images.isEmpty { message["images"] = .array(c.images) }
            let finish = geminiFinishReason(candidate["finishReason"]?.stringValue ?? "STOP",
                                            hasToolCalls: !c.toolCalls.isEmpty) ?? "stop"
            if finish == "content_filter" && c.text.isEmpty {
                message["refusal"] = .string("blocked by the provider (\(candidate["finishReason"]?.stringValue ?? ""))")
            }
            choices.append(["index": JSONValue(candidate["index"]?.intValue ?? i), "message": .object(message),
                            "finish_reason": .string(finish), "logprobs": .null])
        }
        if choices.isEmpty {
            let reason = response["promptFeedback"]?["blockReason"]?.stringValue ?? "no candidates"
            choices.append(["index": 0, "message": ["role": "assistant", "content": .null,
                                                    "refusal": .string("prompt blocked by the provider (\(reason))")],
                            "finish_reason": "content_filter", "logprobs": .null])
        }
        let searches = (response["candidates"]?.arrayValue ?? []).reduce(0) {
            $0 + ($1["groundingMetadata"]?["webSearchQueries"]?.arrayValue?.count ?? 0)
        }
        let usage = GeminiUsage.tokenUsage(response["usageMetadata"], images: images, searches: searches)
        let body: JSONObject = [
            "id": .string("chatcmpl-" + (response["responseId"]?.stringValue ?? UUID().uuidString)),
            "object": "chat.completion",
            "created": JSONValue(Int(Date().timeIntervalSince1970)),
            "model": .string(model.id),
            "choices": .array(choices),
            "usage": OpenAIUsage(usage).toJSON(),
        ]
        return (body, usage)
    }

    /// `{"error":{"code","message","status","details"}}` -> message and a RetryInfo delay.
    static func errorMessage(status: Int, body: [UInt8]) -> (message: String, retryAfter: Int?) {
        guard let json = JSONValue.parseOrNil(body), let error = json["error"] else {
            return (bodyExcerpt(body, status: status), nil)
        }
        var retry: Int?
        for detail in error["details"]?.arrayValue ?? [] {
            if let delay = detail["retryDelay"]?.stringValue, delay.hasSuffix("s"),
               let seconds = Double(delay.dropLast()) {
                retry = Int(seconds.rounded(.up))
            }
        }
        return (error["message"]?.stringValue ?? bodyExcerpt(body, status: status), retry)
    }

    /// Gemini answers 400 (not 401) for a bad key; we must not blame the client for it.
    static func isCredentialFailure(status: Int, body: [UInt8]) -> Bool {
        status == 400 && String(decoding: body, as: UTF8.self).contains("API_KEY_INVALID")
    }
}
