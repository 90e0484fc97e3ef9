/// What a model can do. The vocabulary is the original Layers registry's.
public enum Capability: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// Text input and output.
    case text
    /// Image input.
    case vision
    /// PDF input.
    case pdf
    /// Audio input.
    case audioIn = "audio-in"
    /// Video input.
    case videoIn = "video-in"
    /// Function/tool calling.
    case tools
    /// Built-in web search.
    case web
    /// Image output.
    case imageGen = "image-gen"
    /// JSON / structured output.
    case json
    /// Streaming responses.
    case stream
    /// Prompt caching with a published cache price.
    case cache
    /// Reasoning / extended thinking.
    case thinking
    /// Embeddings.
    case embed

    public static func < (lhs: Capability, rhs: Capability) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Parses a capability name as the registry spells it ("audio-in"); also accepts
    /// underscores and the Swift case names ("audio_in", "audioIn").
    public init?(name: String) {
        let lowered = name.lowercased()
        if let exact = Capability(rawValue: lowered) { self = exact; return }
        let normalised = lowered.replacingOccurrences(of: "_", with: "-")
        if let value = Capability(rawValue: normalised) { self = value; return }
        guard let value = Capability.allCases.first(where: { "\($0)".lowercased() == lowered }) else { return nil }
        self = value
    }
}
