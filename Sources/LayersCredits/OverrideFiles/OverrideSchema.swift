import Foundation

/// The members a JSON override file (models, tiers) may contain, so that a misspelt field
/// (`"contxt_window"`, `"inptu"`) is reported instead of silently ignored. Types are checked by
/// the `Decodable` types; this only checks names.
package indirect enum OverrideSchema: Sendable {
    /// Any value.
    case value
    /// An object with exactly these optional members.
    case object([String: OverrideSchema])
    /// An array whose elements follow the schema.
    case array(OverrideSchema)

    /// An object whose members are the cases of `keys` (plain values), with `nested` replacing
    /// the schema of some of them.
    package static func object<Keys: CodingKey & CaseIterable>(
        _ keys: Keys.Type, nested: [String: OverrideSchema] = [:]
    ) -> OverrideSchema {
        var members: [String: OverrideSchema] = [:]
        for key in Keys.allCases { members[key.stringValue] = .value }
        for (name, schema) in nested { members[name] = schema }
        return .object(members)
    }

    /// The first member of `json` (in path order, names sorted) that the schema does not allow,
    /// with the names allowed where it stands; nil when every member is known or `json` is not JSON.
    package func firstUnknownMember(in json: Data) -> (path: [OverridePathComponent], known: [String])? {
        guard let root = OverrideJSON.parse(json) else { return nil }
        return firstUnknownMember(in: root, path: [])
    }

    private func firstUnknownMember(in value: OverrideJSON, path: [OverridePathComponent])
        -> (path: [OverridePathComponent], known: [String])? {
        switch self {
        case .value:
            return nil
        case .array(let element):
            guard case .array(let array) = value else { return nil }
            for (index, item) in array.enumerated() {
                if let found = element.firstUnknownMember(in: item, path: path + [.index(index)]) { return found }
            }
            return nil
        case .object(let members):
            guard case .object(let object) = value else { return nil }
            for name in object.keys.sorted() {
                guard let member = members[name] else { return (path + [.key(name)], members.keys.sorted()) }
                if let found = member.firstUnknownMember(in: object[name]!, path: path + [.key(name)]) { return found }
            }
            return nil
        }
    }
}

/// One step of a path into a JSON document: an object member or an array element.
package enum OverridePathComponent: Sendable, Hashable {
    case key(String)
    case index(Int)

    /// The components of a `Decodable` coding path.
    package static func path(_ codingPath: [any CodingKey]) -> [OverridePathComponent] {
        codingPath.map { key in key.intValue.map(OverridePathComponent.index) ?? .key(key.stringValue) }
    }

    /// "pricing.long_context[0].above_tokens" for a path below an entry.
    package static func fieldName(_ path: some Collection<OverridePathComponent>) -> String {
        var text = ""
        for component in path {
            switch component {
            case .index(let index): text += "[\(index)]"
            case .key(let name): text += (text.isEmpty ? "" : ".") + name
            }
        }
        return text
    }
}

extension DecodingError {
    /// Where in the document the error is, and what is wrong, in words for an operator.
    package var overridePathAndReason: (path: [OverridePathComponent], reason: String) {
        switch self {
        case .typeMismatch(_, let context):
            return (OverridePathComponent.path(context.codingPath), "has the wrong type: \(context.debugDescription)")
        case .valueNotFound(let type, let context):
            return (OverridePathComponent.path(context.codingPath), "is null or missing (expected \(type))")
        case .keyNotFound(let key, let context):
            return (OverridePathComponent.path(context.codingPath + [key]), "is missing")
        case .dataCorrupted(let context):
            return (OverridePathComponent.path(context.codingPath), "is not valid: \(context.debugDescription)")
        @unknown default:
            return ([], "could not be decoded")
        }
    }
}
