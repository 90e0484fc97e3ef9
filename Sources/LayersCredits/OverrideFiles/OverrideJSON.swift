import Foundation

/// A JSON document read only for its shape (member names and nesting), for override-file diagnostics.
/// Decoded with `JSONDecoder` rather than Foundation's `Any`-tree serializer, which is slow on Linux.
package indirect enum OverrideJSON: Decodable, Sendable {
    case object([String: OverrideJSON])
    case array([OverrideJSON])
    case string(String)
    case other

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let object = try? container.decode([String: OverrideJSON].self) {
            self = .object(object)
        } else if let array = try? container.decode([OverrideJSON].self) {
            self = .array(array)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else {
            self = .other
        }
    }

    /// The document in `data`, or nil when it is not JSON.
    package static func parse(_ data: Data) -> OverrideJSON? { try? JSONDecoder().decode(OverrideJSON.self, from: data) }

    package subscript(key: String) -> OverrideJSON? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    package subscript(index: Int) -> OverrideJSON? {
        if case .array(let array) = self, array.indices.contains(index) { return array[index] }
        return nil
    }

    package var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }
}
