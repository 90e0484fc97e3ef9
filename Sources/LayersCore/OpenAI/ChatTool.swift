/// A function tool offered to the model: a view over `tools[i]`, so members such as
/// `cache_control` or `strict` pass through untouched.
///
/// ```swift
/// let tool = ChatTool(name: "get_weather", description: "Current weather",
///                     parameters: ["type": "object", "properties": ["city": ["type": "string"]]])
/// ```
public struct ChatTool: Sendable, Hashable {
    /// The tool as sent.
    public var json: JSONObject

    public init(json: JSONObject) { self.json = json }

    public init(name: String, description: String? = nil, parameters: JSONValue? = nil, strict: Bool? = nil) {
        var function: JSONObject = ["name": .string(name)]
        if let description { function["description"] = .string(description) }
        if let parameters { function["parameters"] = parameters }
        if let strict { function["strict"] = .bool(strict) }
        json = ["type": "function", "function": .object(function)]
    }

    /// `function` (others, e.g. `custom`, pass through unvalidated).
    public var type: String { json["type"]?.stringValue ?? "function" }
    public var name: String { json["function"]?["name"]?.stringValue ?? "" }
    public var description: String? { json["function"]?["description"]?.stringValue }
    /// The JSON Schema of the arguments.
    public var parameters: JSONValue? { json["function"]?["parameters"] }
    public var strict: Bool? { json["function"]?["strict"]?.boolValue }
    public var cacheControl: JSONValue? { json["cache_control"] }

    static func validate(_ value: JSONValue, _ path: String) throws(LayersError) {
        let object = try RequestFieldChecks.object(value, path)
        guard let typeValue = object["type"] else { throw RequestFieldChecks.missing("\(path).type") }
        guard try RequestFieldChecks.string(typeValue, "\(path).type") == "function" else { return }
        guard let functionValue = object["function"] else { throw RequestFieldChecks.missing("\(path).function") }
        let function = try RequestFieldChecks.object(functionValue, "\(path).function")
        guard let nameValue = function["name"] else { throw RequestFieldChecks.missing("\(path).function.name") }
        let name = try RequestFieldChecks.string(nameValue, "\(path).function.name")
        let validName = !name.isEmpty && name.utf8.count <= 64 && name.utf8.allSatisfy {
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z"))
                || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
        if !validName {
            throw RequestFieldChecks.valueError("\(path).function.name",
                "must be 1 to 64 characters of a-z, A-Z, 0-9, underscores and dashes.")
        }
        try RequestFieldChecks.optionalString(function, "description", "\(path).function.description")
        if let parameters = function["parameters"] { try RequestFieldChecks.object(parameters, "\(path).function.parameters") }
        if let strict = function["strict"], !strict.isNull { try RequestFieldChecks.bool(strict, "\(path).function.strict") }
    }
}
