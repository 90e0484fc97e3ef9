/// A JSON document held as a value: the gateway's one representation of request and response bodies.
///
/// Objects keep their keys in insertion order and numbers keep their exact literal text, so a body that is
/// parsed, edited and written again changes only where it was edited. Parsing and writing are hand-written
/// over bytes (see `JSONParser` and `JSONWriter`) because Foundation's `Any`-tree JSON serializer is slow on Linux.
///
/// ```swift
/// var body = try JSONValue.parse(#"{"model":"gpt-4o","stream":true}"#)
/// body["model"] = "gpt-4o-2024-08-06"
/// let bytes = body.serializedBytes()
/// ```
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

extension JSONValue {
    /// Member `key` of an object; `nil` for a missing key or a non-object. Setting on a non-object makes it an object.
    public subscript(key: String) -> JSONValue? {
        get {
            guard case .object(let object) = self else { return nil }
            return object[key]
        }
        set {
            var object: JSONObject
            if case .object(let existing) = self { object = existing } else { object = JSONObject() }
            self = .null  // drop our reference so the object is uniquely referenced and mutated in place
            object[key] = newValue
            self = .object(object)
        }
    }

    /// Element `index` of an array; `nil` when out of range or not an array.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let array) = self, array.indices.contains(index) else { return nil }
        return array[index]
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var numberValue: JSONNumber? {
        if case .number(let n) = self { return n }
        return nil
    }

    /// The value as an integer, when it is a number literal with no fraction or exponent that fits.
    public var int64Value: Int64? { numberValue?.int64Value }

    public var intValue: Int? { int64Value.flatMap { Int(exactly: $0) } }

    public var doubleValue: Double? { numberValue?.doubleValue }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The JSON type name, for error messages ("expected string, got number").
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(JSONNumber(value)) }
    public init(floatLiteral value: Double) { self = .number(JSONNumber(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
    public init(nilLiteral: ()) { self = .null }
}

extension JSONValue {
    public init(_ value: String) { self = .string(value) }
    public init(_ value: Int) { self = .number(JSONNumber(value)) }
    public init(_ value: Int64) { self = .number(JSONNumber(value)) }
    public init(_ value: Bool) { self = .bool(value) }
    public init(_ value: JSONObject) { self = .object(value) }
    public init(_ value: [JSONValue]) { self = .array(value) }
}

extension JSONValue: CustomStringConvertible {
    public var description: String { serialized() }
}
