/// `tool_choice`: whether and which tool the model must call.
public enum ToolChoice: Sendable, Hashable {
    /// Never call a tool.
    case none
    /// The model decides.
    case auto
    /// Call at least one tool.
    case required
    /// Call this function.
    case function(name: String)

    /// Reads a validated `tool_choice` value.
    public init?(json: JSONValue) {
        switch json {
        case .string("none"): self = .none
        case .string("auto"): self = .auto
        case .string("required"): self = .required
        case .object(let object):
            guard let name = object["function"]?["name"]?.stringValue else { return nil }
            self = .function(name: name)
        default: return nil
        }
    }

    public func toJSON() -> JSONValue {
        switch self {
        case .none: return "none"
        case .auto: return "auto"
        case .required: return "required"
        case .function(let name): return ["type": "function", "function": ["name": .string(name)]]
        }
    }

    static func validate(_ value: JSONValue, _ path: String) throws(LayersError) {
        switch value {
        case .string:
            try RequestFieldChecks.oneOf(value, path, ["none", "auto", "required"])
        case .object(let object):
            if let type = object["type"] { try RequestFieldChecks.oneOf(type, "\(path).type", ["function", "allowed_tools", "custom"]) }
            if object["type"]?.stringValue ?? "function" == "function" {
                guard let function = object["function"] else { throw RequestFieldChecks.missing("\(path).function") }
                try RequestFieldChecks.requiredString(try RequestFieldChecks.object(function, "\(path).function"), "name", "\(path).function.name")
            }
        default:
            throw RequestFieldChecks.typeError(path, expected: "a string or an object", got: value)
        }
    }
}
