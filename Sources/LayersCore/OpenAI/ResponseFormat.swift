/// `response_format`: plain text, any JSON object, or JSON matching a schema.
public enum ResponseFormat: Sendable, Hashable {
    case text
    case jsonObject
    /// `{"type":"json_schema","json_schema":{"name","schema","strict","description"}}`
    case jsonSchema(name: String, schema: JSONValue?, strict: Bool?, description: String?)

    /// Reads a validated `response_format` value.
    public init?(json: JSONValue) {
        switch json["type"]?.stringValue {
        case "text": self = .text
        case "json_object": self = .jsonObject
        case "json_schema":
            let spec = json["json_schema"]
            self = .jsonSchema(name: spec?["name"]?.stringValue ?? "response",
                               schema: spec?["schema"],
                               strict: spec?["strict"]?.boolValue,
                               description: spec?["description"]?.stringValue)
        default: return nil
        }
    }

    public func toJSON() -> JSONValue {
        switch self {
        case .text: return ["type": "text"]
        case .jsonObject: return ["type": "json_object"]
        case .jsonSchema(let name, let schema, let strict, let description):
            var spec: JSONObject = ["name": .string(name)]
            if let description { spec["description"] = .string(description) }
            if let schema { spec["schema"] = schema }
            if let strict { spec["strict"] = .bool(strict) }
            return ["type": "json_schema", "json_schema": .object(spec)]
        }
    }

    static func validate(_ value: JSONValue, _ path: String) throws(LayersError) {
        let object = try RequestFieldChecks.object(value, path)
        guard let type = object["type"] else { throw RequestFieldChecks.missing("\(path).type") }
        try RequestFieldChecks.oneOf(type, "\(path).type", ["text", "json_object", "json_schema"])
        guard type.stringValue == "json_schema" else { return }
        guard let specValue = object["json_schema"] else { throw RequestFieldChecks.missing("\(path).json_schema") }
        let spec = try RequestFieldChecks.object(specValue, "\(path).json_schema")
        try RequestFieldChecks.requiredString(spec, "name", "\(path).json_schema.name")
        if let schema = spec["schema"] { try RequestFieldChecks.object(schema, "\(path).json_schema.schema") }
        if let strict = spec["strict"], !strict.isNull { try RequestFieldChecks.bool(strict, "\(path).json_schema.strict") }
    }
}
