import Foundation
import LayersCore
import LayersCredits
import LayersModels

/// Normalises an OpenAI-compatible `chat.completion`: the client's model id, `<think>` reasoning split out,
/// usage in OpenAI's shape; everything else (Perplexity `citations`, `search_results`, ...) passes through.
enum OpenAIResponse {
    struct Output {
        var body: JSONObject
        var usage: TokenUsage
        var estimated: Bool
    }

    /// `body` is consumed: given the caller's last reference, it and the choices and messages inside it are edited
    /// in place (each is detached from its parent while it is edited) instead of copied.
    static func normalise(_ body: consuming JSONObject, request: JSONObject, model: ModelInfo, api: ProviderAPI,
                          requestBytes: Int) -> Output {
        var body = body
        body["model"] = .string(model.id)
        if body["object"] == nil { body["object"] = "chat.completion" }
        if body["created"] == nil { body["created"] = JSONValue(Int(Date().timeIntervalSince1970)) }
        let format = ReasoningFormat(request: request)
        var outputBytes = 0
        if case .array(var choices)? = body["choices"] {
            body["choices"] = .null  // keeps the member's position; `choices` is now the array's only reference
            for i in choices.indices {
                guard case .object(var choice) = choices[i], case .object(var message)? = choice["message"] else { continue }
                choices[i] = .null
                choice["message"] = .null
                if api != .openAI, format != .raw, case .string(let content)? = message["content"] {
                    let split = ThinkTagSplitter.split(content)
                    if let reasoning = split.reasoning {
                        message["content"] = .string(split.content)
                        if format == .parsed { message["reasoning_content"] = .string(reasoning) }
                    }
                }
                outputBytes += message["content"]?.stringValue?.utf8.count ?? 0
                choice["message"] = .object(message)
                choices[i] = .object(choice)
            }
            body["choices"] = .array(choices)
        }
        if case .object(let usage)? = body["usage"] {
            let normalised = OpenAIUsageMapping.tokenUsage(usage, request: request)
            body["usage"] = OpenAIUsageMapping.clientUsage(usage, normalised: normalised, api: api)
            return Output(body: body, usage: normalised, estimated: false)
        }
        let estimate = TokenUsage(promptTokens: OpenAIUsageMapping.estimateTokens(bytes: requestBytes),
                                  completionTokens: OpenAIUsageMapping.estimateTokens(bytes: outputBytes))
        body["usage"] = OpenAIUsage(estimate).toJSON()
        return Output(body: body, usage: estimate, estimated: true)
    }

    /// The provider's message from an OpenAI-style error body (`{"error":{"message"}}`, `{"error":"…"}`,
    /// `{"message"}` or `{"detail"}`).
    static func errorMessage(status: Int, body: [UInt8]) -> (message: String, retryAfter: Int?) {
        guard let json = JSONValue.parseOrNil(body) else { return (bodyExcerpt(body, status: status), nil) }
        let message = json["error"]?["message"]?.stringValue ?? json["error"]?.stringValue
            ?? json["message"]?.stringValue ?? json["detail"]?.stringValue
        return (message ?? bodyExcerpt(body, status: status), nil)
    }
}
