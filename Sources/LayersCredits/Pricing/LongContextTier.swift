/// Prices that replace the base prices when a request's prompt is above a threshold.
///
/// Anthropic (Sonnet 4.x with the 1M context) and Google (Gemini 2.5 Pro, 3 Pro) bill the
/// WHOLE request at the higher rate once the prompt (`TokenUsage.promptTokens`, all input
/// including cached) exceeds the threshold, e.g. 200,000 tokens. A nil price in a tier keeps
/// the model's base price for that component.
public struct LongContextTier: Sendable, Hashable, Codable {
    /// The tier applies when `promptTokens > aboveTokens`.
    public var aboveTokens: Int
    public var input: TokenPrice
    public var output: TokenPrice
    public var cachedRead: TokenPrice?
    public var cacheWrite5m: TokenPrice?
    public var cacheWrite1h: TokenPrice?

    public init(aboveTokens: Int, input: TokenPrice, output: TokenPrice, cachedRead: TokenPrice? = nil,
                cacheWrite5m: TokenPrice? = nil, cacheWrite1h: TokenPrice? = nil) {
        self.aboveTokens = aboveTokens
        self.input = input
        self.output = output
        self.cachedRead = cachedRead
        self.cacheWrite5m = cacheWrite5m
        self.cacheWrite1h = cacheWrite1h
    }
}
