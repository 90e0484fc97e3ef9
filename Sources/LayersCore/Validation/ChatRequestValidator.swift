/// Checks a parsed chat request against the gateway's limits and the conversation rules
/// that every provider enforces, so that bad requests fail before any credit is reserved.
///
/// Checks, in order (the first failure is thrown):
/// 1. `model` present and non-empty: "Model is required".
/// 2. `messages` present and non-empty: "Messages array is required and must not be empty".
/// 3. at most `maxMessages` messages: "Too many messages in conversation".
/// 4. each message's text at most `maxContentLength` characters: "Message content exceeds maximum length".
/// 5. conversation rules: assistant turns have content or tool calls; every `tool` message
///    answers a tool call of the assistant turn before it.
/// 6. tools: at most `maxTools`, unique names; `tool_choice` needs tools and must name one of them.
///
/// ```swift
/// let validator = ChatRequestValidator(limits: .init(maxMessages: 50))
/// try validator.validate(request)   // throws LayersError
/// ```
public struct ChatRequestValidator: Sendable {
    public var limits: ChatRequestLimits

    public init(limits: ChatRequestLimits = .default) {
        self.limits = limits
    }

    /// Throws the first problem found, as a `LayersError` naming the field.
    public func validate(_ request: ChatCompletionRequest) throws(LayersError) {
        if request.model.allSatisfy(\.isWhitespace) { throw LayersError.missingModel }
        let count = request.messageCount
        if count == 0 { throw LayersError.missingMessages }
        if count > limits.maxMessages { throw LayersError.tooManyMessages(limit: limits.maxMessages, received: count) }
        let messages = request.messages
        for (index, message) in messages.enumerated() {
            let length = message.contentLength
            if length > limits.maxContentLength {
                throw LayersError.messageTooLong(index: index, limit: limits.maxContentLength, received: length)
            }
        }
        try validateConversation(messages)
        try validateTools(request)
    }

    private func validateConversation(_ messages: [ChatMessage]) throws(LayersError) {
        // Ids of the most recent assistant turn's tool calls, while only tool messages follow it.
        var openToolCallIDs: Set<String>? = nil
        for (index, message) in messages.enumerated() {
            switch message.role {
            case .assistant:
                let calls = message.toolCalls
                let hasRefusal = message.json["refusal"]?.stringValue != nil
                if message.content == nil && calls.isEmpty && !hasRefusal {
                    throw LayersError.invalidRequest(
                        message: "Invalid value for 'messages[\(index)].content': an assistant message needs content or tool_calls.",
                        param: "messages[\(index)].content", code: "invalid_value")
                }
                openToolCallIDs = calls.isEmpty ? nil : Set(calls.map(\.id))
            case .tool:
                guard let open = openToolCallIDs else {
                    throw LayersError.invalidRequest(
                        message: "Invalid parameter: messages with role 'tool' must be a response to a preceding message with 'tool_calls' (messages[\(index)]).",
                        param: "messages[\(index)].role", code: "invalid_value")
                }
                let id = message.toolCallID ?? ""
                if !open.contains(id) {
                    throw LayersError.invalidRequest(
                        message: "Invalid value for 'messages[\(index)].tool_call_id': '\(id)' does not match any tool call of the preceding assistant message.",
                        param: "messages[\(index)].tool_call_id", code: "invalid_value")
                }
            default:
                openToolCallIDs = nil
            }
        }
    }

    private func validateTools(_ request: ChatCompletionRequest) throws(LayersError) {
        let tools = request.tools
        if tools.count > limits.maxTools {
            throw LayersError.invalidRequest(
                message: "Invalid value for 'tools': at most \(limits.maxTools) tools are allowed, got \(tools.count).",
                param: "tools", code: "invalid_value")
        }
        var names = Set<String>()
        for (index, tool) in tools.enumerated() where tool.type == "function" {
            if !names.insert(tool.name).inserted {
                throw LayersError.invalidRequest(
                    message: "Invalid value for 'tools[\(index)].function.name': the name '\(tool.name)' is used by more than one tool.",
                    param: "tools[\(index)].function.name", code: "invalid_value")
            }
        }
        guard let choice = request.toolChoice else { return }
        if tools.isEmpty && choice != .none {
            throw LayersError.invalidRequest(
                message: "Invalid value for 'tool_choice': tool_choice is only allowed when 'tools' are specified.",
                param: "tool_choice", code: "invalid_value")
        }
        if case .function(let name) = choice, !names.contains(name) {
            throw LayersError.invalidRequest(
                message: "Invalid value for 'tool_choice': no tool named '\(name)' is in 'tools'.",
                param: "tool_choice.function.name", code: "invalid_value")
        }
    }
}
