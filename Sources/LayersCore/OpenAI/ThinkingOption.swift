/// The original Layers `thinking` extension: `{"type":"enabled","budget_tokens":N}` or
/// `{"type":"disabled"}`, mapped to each provider's reasoning controls.
public struct ThinkingOption: Sendable, Hashable {
    /// Whether extended thinking is on.
    public var enabled: Bool
    /// The token budget for thinking, when given.
    public var budgetTokens: Int?

    public init(enabled: Bool, budgetTokens: Int? = nil) {
        self.enabled = enabled
        self.budgetTokens = budgetTokens
    }

    /// Reads a validated `thinking` value.
    public init?(json: JSONValue) {
        guard let type = json["type"]?.stringValue else { return nil }
        enabled = type == "enabled"
        budgetTokens = json["budget_tokens"]?.intValue
    }

    public func toJSON() -> JSONValue {
        var object: JSONObject = ["type": .string(enabled ? "enabled" : "disabled")]
        if let budgetTokens { object["budget_tokens"] = JSONValue(budgetTokens) }
        return .object(object)
    }

    static func validate(_ value: JSONValue, _ path: String) throws(LayersError) {
        let object = try RequestFieldChecks.object(value, path)
        guard let type = object["type"] else { throw RequestFieldChecks.missing("\(path).type") }
        try RequestFieldChecks.oneOf(type, "\(path).type", ["enabled", "disabled"])
        if let budget = object["budget_tokens"] { try RequestFieldChecks.integer(budget, "\(path).budget_tokens", min: 0) }
    }
}
