/// Shape checks for request fields that throw a `LayersError.invalidRequest` naming the
/// field path (`messages[2].content`) and what was expected, in OpenAI's wording.
enum RequestFieldChecks {
    static func typeError(_ path: String, expected: String, got value: JSONValue) -> LayersError {
        .invalidRequest(
            message: "Invalid type for '\(path)': expected \(expected), but got \(article(value.typeName)) instead.",
            param: path, code: "invalid_type")
    }

    static func valueError(_ path: String, _ explanation: String) -> LayersError {
        .invalidRequest(message: "Invalid value for '\(path)': \(explanation)", param: path, code: "invalid_value")
    }

    static func missing(_ path: String) -> LayersError {
        .invalidRequest(message: "Missing required parameter: '\(path)'.", param: path, code: "missing_required_parameter")
    }

    @discardableResult
    static func string(_ value: JSONValue, _ path: String) throws(LayersError) -> String {
        guard case .string(let s) = value else { throw typeError(path, expected: "a string", got: value) }
        return s
    }

    static func optionalString(_ object: JSONObject, _ key: String, _ path: String) throws(LayersError) {
        if let value = object[key], !value.isNull { try string(value, path) }
    }

    static func requiredString(_ object: JSONObject, _ key: String, _ path: String) throws(LayersError) {
        guard let value = object[key] else { throw missing(path) }
        try string(value, path)
    }

    @discardableResult
    static func object(_ value: JSONValue, _ path: String) throws(LayersError) -> JSONObject {
        guard case .object(let o) = value else { throw typeError(path, expected: "an object", got: value) }
        return o
    }

    @discardableResult
    static func array(_ value: JSONValue, _ path: String) throws(LayersError) -> [JSONValue] {
        guard case .array(let a) = value else { throw typeError(path, expected: "an array", got: value) }
        return a
    }

    static func bool(_ value: JSONValue, _ path: String) throws(LayersError) {
        guard case .bool = value else { throw typeError(path, expected: "a boolean", got: value) }
    }

    /// An integer within `range` (inclusive bounds given as Int64).
    static func integer(_ value: JSONValue, _ path: String, min: Int64? = nil, max: Int64? = nil) throws(LayersError) {
        guard case .number(let n) = value else { throw typeError(path, expected: "an integer", got: value) }
        guard let i = n.int64Value else { throw typeError(path, expected: "an integer", got: value) }
        if let min, i < min { throw valueError(path, "must be at least \(min), got \(n.text).") }
        if let max, i > max { throw valueError(path, "must be at most \(max), got \(n.text).") }
    }

    /// A number within `min...max`.
    static func number(_ value: JSONValue, _ path: String, min: Double? = nil, max: Double? = nil) throws(LayersError) {
        guard case .number(let n) = value else { throw typeError(path, expected: "a number", got: value) }
        let d = n.doubleValue
        if let min, d < min { throw valueError(path, "must be at least \(format(min)), got \(n.text).") }
        if let max, d > max { throw valueError(path, "must be at most \(format(max)), got \(n.text).") }
    }

    static func oneOf(_ value: JSONValue, _ path: String, _ allowed: [String]) throws(LayersError) {
        let s = try string(value, path)
        guard allowed.contains(s) else {
            throw valueError(path, "'\(s)' is not supported. Supported values are: \(allowed.map { "'\($0)'" }.joined(separator: ", ")).")
        }
    }

    static func stringArray(_ value: JSONValue, _ path: String) throws(LayersError) {
        for (i, element) in try array(value, path).enumerated() { try string(element, "\(path)[\(i)]") }
    }

    private static func article(_ typeName: String) -> String {
        switch typeName {
        case "array", "object", "integer": return "an \(typeName)"
        case "null": return "null"
        default: return "a \(typeName)"
        }
    }

    private static func format(_ d: Double) -> String {
        d == d.rounded() ? String(Int64(d)) : String(d)
    }
}
