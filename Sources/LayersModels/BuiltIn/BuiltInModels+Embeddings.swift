import LayersCredits

extension BuiltInModels {
    /// OpenAI embeddings: input tokens only.
    static let openAIEmbeddings: [ModelInfo] = [
        embedding("openai/text-embedding-3-small", "Text Embedding 3 Small", price: "0.02", context: 8_191,
                  released: "2024-01"),
        embedding("openai/text-embedding-3-large", "Text Embedding 3 Large", price: "0.13", context: 8_191,
                  released: "2024-01"),
        embedding("openai/text-embedding-ada-002", "Text Embedding Ada 002", price: "0.10", context: 8_191,
                  released: "2022-12"),
    ]

    /// Google embeddings (`batchEmbedContents`).
    static let googleEmbeddings: [ModelInfo] = [
        embedding("google/gemini-embedding-001", "Gemini Embedding 001", price: "0.15", context: 2_048,
                  released: "2025-07"),
        embedding("google/text-embedding-004", "Text Embedding 004", price: "0", context: 2_048,
                  released: "2024-05", deprecationDate: "2026-01-14",
                  notes: "Free of charge on the Gemini API; shut down upstream on 2026-01-14. Use gemini-embedding-001."),
    ]

    private static func embedding(_ id: String, _ name: String, price: String, context: Int, released: String,
                                  deprecationDate: String? = nil, notes: String? = nil) -> ModelInfo {
        ModelInfo(id: id, displayName: name, kind: .embedding, capabilities: [.embed], contextWindow: context,
                  maxOutputTokens: nil, pricing: ModelPricing(usdPerMillionInput: price, output: "0"),
                  released: released, deprecated: deprecationDate != nil, deprecationDate: deprecationDate,
                  notes: notes)
    }
}
