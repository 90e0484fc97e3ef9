import LayersCore
import LayersHTTP

extension HTTPResponse {
    /// A JSON response written with LayersCore's fast writer.
    static func json(_ value: JSONValue, status: HTTPStatus = .ok) -> HTTPResponse {
        .json(value.serializedBytes(), status: status)
    }

    /// A JSON response from an object.
    @_disfavoredOverload
    static func json(_ object: JSONObject, status: HTTPStatus = .ok) -> HTTPResponse {
        .json(JSONValue.object(object).serializedBytes(), status: status)
    }
}

extension JSONValue {
    /// An exact decimal number from its literal (`"3.36"`); `0` if the text is not a number.
    static func decimal(_ literal: String) -> JSONValue {
        .number(JSONNumber(decimalLiteral: literal) ?? JSONNumber(0))
    }
}
