/// A function call made by the model: in an assistant message of a request (a previous
/// turn) or of a response.
///
/// ```swift
/// ToolCall(id: "call_1", name: "get_weather", arguments: #"{"city":"Paris"}"#).toJSON()
/// // {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}
/// ```
public struct ToolCall: Sendable, Hashable {
    /// The call id; `tool` messages answer it with `tool_call_id`.
    public var id: String
    /// Always `function` today.
    public var type: String
    /// The function's name.
    public var name: String
    /// The arguments as a JSON text (OpenAI sends a string, not an object).
    public var arguments: String

    public init(id: String, type: String = "function", name: String, arguments: String) {
        self.id = id
        self.type = type
        self.name = name
        self.arguments = arguments
    }

    /// Reads a validated `tool_calls[i]` object (missing members read as empty).
    public init(json: JSONObject) {
        id = json["id"]?.stringValue ?? ""
        type = json["type"]?.stringValue ?? "function"
        let function = json["function"]?.objectValue ?? JSONObject()
        name = function["name"]?.stringValue ?? ""
        arguments = function["arguments"]?.stringValue ?? ""
    }

    /// `{"id","type","function":{"name","arguments"}}`.
    public func toJSON() -> JSONValue {
        var function = JSONObject()
        function["name"] = .string(name)
        function["arguments"] = .string(arguments)
        var object = JSONObject()
        object["id"] = .string(id)
        object["type"] = .string(type)
        object["function"] = .object(function)
        return .object(object)
    }

    static func validate(_ value: JSONValue, _ path: String) throws(LayersError) {
        let object = try RequestFieldChecks.object(value, path)
        try RequestFieldChecks.requiredString(object, "id", "\(path).id")
        if let type = object["type"] { try RequestFieldChecks.oneOf(type, "\(path).type", ["function"]) }
        guard let functionValue = object["function"] else { throw RequestFieldChecks.missing("\(path).function") }
        let function = try RequestFieldChecks.object(functionValue, "\(path).function")
        try RequestFieldChecks.requiredString(function, "name", "\(path).function.name")
        try RequestFieldChecks.requiredString(function, "arguments", "\(path).function.arguments")
    }
}
