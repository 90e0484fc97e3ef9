import LayersCredits

/// The models Layers knows without any configuration, one file per provider
/// (`BuiltInModels+Anthropic.swift`, ...). Prices are the providers' public list prices
/// (see docs/models.md for sources); deployers change them with an override file.
public enum BuiltInModels {
    /// Every built-in model: chat models by provider, then image and embedding models.
    public static let all: [ModelInfo] =
        anthropic + openAI + google + perplexity + morph + openAIImages + googleImages + bfl + recraft
        + openAIEmbeddings + googleEmbeddings

    /// Shorthand for a token price literal in dollars per million tokens.
    static func usd(_ text: String) -> TokenPrice { TokenPrice(usdPerMillion: text) }

    /// Shorthand for a dollar amount literal.
    static func dollars(_ text: String) -> Picodollars { Picodollars(usd: text) }
}
