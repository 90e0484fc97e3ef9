/// What a model produces, which decides the endpoint that serves it.
public enum ModelKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Chat completions (`/v1/chat/completions`, `/v1/messages`).
    case chat
    /// Image generation (`/v1/images/generations`).
    case image
    /// Embeddings (`/v1/embeddings`).
    case embedding
}
