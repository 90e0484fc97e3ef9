import LayersCredits

/// The images a provider made, and what to bill for them.
public struct ImageGenerationResult: Sendable, Hashable {
    public var images: [GeneratedImage]
    /// `imageCount` = images actually returned (what is billed), `imageSize` and `imageQuality` for per-size or
    /// per-megapixel prices; token counts where the provider reports them (Gemini image models).
    public var usage: TokenUsage
    /// The shape asked of the provider.
    public var shape: ResolvedImageShape
    /// Which API served it (`openai`, `bfl`, …, or `ai-gateway`).
    public var servedBy: String

    public init(images: [GeneratedImage], usage: TokenUsage, shape: ResolvedImageShape, servedBy: String) {
        self.images = images
        self.usage = usage
        self.shape = shape
        self.servedBy = servedBy
    }
}
