import LayersCore
import LayersHTTP

/// Step 3: the body is a JSON object with a `model` and a non-empty `messages` array within the configured
/// limits (count and per-message size, as the original Layers enforced), and the fields the gateway itself
/// reads have the right types. Sets `context.body`; answers 400 naming the field.
public struct ValidateStep: PipelineStep {
    let maxMessages: Int
    let maxMessageCharacters: Int

    nonisolated(nonsending) public func handle(_ context: RequestContext, next: PipelineNext) async throws -> HTTPResponse {
        var context = context
        context.body = try validate(context.request.body)
        return try await next(context)
    }

    func validate(_ bytes: [UInt8]) throws -> JSONValue {
        let body: JSONValue
        do { body = try JSONValue.parse(bytes) } catch { throw LayersError.invalidJSON(detail: error.description) }
        guard case .object = body else { throw LayersError.invalidJSON(detail: "the body must be a JSON object") }
        guard let modelValue = body["model"], !modelValue.isNull else { throw LayersError.missingModel }
        guard let model = modelValue.stringValue, !model.isEmpty else {
            if modelValue.stringValue == "" { throw LayersError.missingModel }
            throw LayersError.invalidRequest(message: "model must be a string", param: "model")
        }
        guard let messagesValue = body["messages"], !messagesValue.isNull else { throw LayersError.missingMessages }
        guard let messages = messagesValue.arrayValue else {
            throw LayersError.invalidRequest(message: "messages must be an array", param: "messages")
        }
        if messages.isEmpty { throw LayersError.missingMessages }
        if messages.count > maxMessages { throw LayersError.tooManyMessages(limit: maxMessages, received: messages.count) }
        for (i, message) in messages.enumerated() {
            guard case .object(let m) = message else {
                throw LayersError.invalidRequest(message: "messages[\(i)] must be an object", param: "messages[\(i)]")
            }
            guard let role = m["role"]?.stringValue else {
                throw LayersError.invalidRequest(message: "messages[\(i)].role is required", param: "messages[\(i)].role")
            }
            guard Self.roles.contains(role) else {
                throw LayersError.invalidRequest(
                    message: "messages[\(i)].role must be one of system, developer, user, assistant, tool; got '\(role)'",
                    param: "messages[\(i)].role")
            }
            let length = Self.contentLength(m["content"])
            if length > maxMessageCharacters {
                throw LayersError.messageTooLong(index: i, limit: maxMessageCharacters, received: length)
            }
            if role == "tool", m["tool_call_id"]?.stringValue == nil {
                throw LayersError.invalidRequest(message: "messages[\(i)].tool_call_id is required for tool messages",
                                                 param: "messages[\(i)].tool_call_id")
            }
        }
        if case .object(let object) = body {
            let limits = ChatRequestLimits(maxMessages: maxMessages, maxContentLength: maxMessageCharacters)
            try ChatRequestValidator(limits: limits).validate(ChatCompletionRequest(unchecked: object))
        }
        try checkTypes(body)
        return body
    }

    /// The message roles accepted (`function` is the deprecated form of `tool`).
    static let roles: Set<String> = ["system", "developer", "user", "assistant", "tool", "function"]
    /// Fields that must be positive integers when present.
    static let positiveIntegerFields = ["max_tokens", "max_completion_tokens", "n"]

    /// Characters of a message's content: the string's length, or the JSON text length of structured content.
    static func contentLength(_ content: JSONValue?) -> Int {
        switch content {
        case .string(let s)?: return s.count
        case nil, .null?: return 0
        case let other?: return other.serialized().count
        }
    }

    private func checkTypes(_ body: JSONValue) throws {
        if let stream = body["stream"], !stream.isNull, stream.boolValue == nil {
            throw LayersError.invalidRequest(message: "stream must be a boolean", param: "stream")
        }
        for field in Self.positiveIntegerFields {
            if let v = body[field], !v.isNull {
                guard let n = v.intValue, n >= 1 else {
                    throw LayersError.invalidRequest(message: "\(field) must be a positive integer", param: field)
                }
            }
        }
        if let n = body["n"]?.intValue, n > 1 {
            throw LayersError.invalidRequest(message: "n > 1 is not supported by the gateway; send separate requests",
                                             param: "n")
        }
        if let t = body["temperature"], !t.isNull {
            guard case .number(let num) = t, (0...2).contains(num.doubleValue) else {
                throw LayersError.invalidRequest(message: "temperature must be a number between 0 and 2",
                                                 param: "temperature")
            }
        }
        if let m = body["metadata"], !m.isNull, m.objectValue == nil {
            throw LayersError.invalidRequest(message: "metadata must be an object", param: "metadata")
        }
        if let tools = body["tools"], !tools.isNull {
            guard let list = tools.arrayValue else {
                throw LayersError.invalidRequest(message: "tools must be an array", param: "tools")
            }
            for (i, tool) in list.enumerated() where tool["type"]?.stringValue ?? "function" == "function" {
                if tool["function"]?["name"]?.stringValue == nil {
                    throw LayersError.invalidRequest(message: "tools[\(i)].function.name is required",
                                                     param: "tools[\(i)].function.name")
                }
            }
        }
        if let format = body["response_format"], !format.isNull {
            switch format["type"]?.stringValue {
            case "text", "json_object": break
            case "json_schema":
                if format["json_schema"]?["schema"]?.objectValue == nil, format["json_schema"]?["name"] == nil {
                    throw LayersError.invalidRequest(message: "response_format.json_schema needs a name and a schema",
                                                     param: "response_format.json_schema")
                }
            default:
                throw LayersError.invalidRequest(
                    message: "response_format.type must be text, json_object or json_schema",
                    param: "response_format.type")
            }
        }
    }
}
