/// Why a model override file was rejected: which entry, which field, and why.
///
/// `description` reads like `models[2] "acme/fast-1": field "pricing.input": must be a
/// non-negative decimal amount of USD per 1M tokens with at most 6 decimals, got "abc"`.
public struct ModelOverrideError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Position of the entry in the file's `models` (or `remove`) array, when the error is about one entry.
    public var index: Int?
    /// The entry's model id, when known.
    public var id: String?
    /// Dotted path of the offending field inside the entry ("pricing.cached_read").
    public var field: String?
    public var reason: String

    public init(index: Int? = nil, id: String? = nil, field: String? = nil, reason: String) {
        self.index = index
        self.id = id
        self.field = field
        self.reason = reason
    }

    public var description: String {
        var location: [String] = []
        if let index { location.append("models[\(index)]") }
        if let id { location.append("\"\(id)\"") }
        if let field { location.append("field \"\(field)\"") }
        if location.isEmpty { return "model overrides: \(reason)" }
        return "model overrides: " + location.joined(separator: " ") + ": " + reason
    }
}
