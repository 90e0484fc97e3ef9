import LayersCore
import LayersCredits

/// An embeddings answer in OpenAI's shape, and its usage to bill.
public struct EmbeddingsResult: Sendable, Hashable {
    /// `{object:"list", data:[{object:"embedding", index, embedding}], model, usage}`.
    public var body: JSONValue
    public var usage: TokenUsage
    /// True when the token count is our estimate (the provider reported none).
    public var usageEstimated: Bool
    /// Which API served it (`openai`, `google`, `ai-gateway`).
    public var servedBy: String

    public init(body: JSONValue, usage: TokenUsage, usageEstimated: Bool, servedBy: String) {
        self.body = body
        self.usage = usage
        self.usageEstimated = usageEstimated
        self.servedBy = servedBy
    }
}
