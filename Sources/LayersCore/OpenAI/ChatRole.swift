/// The author of a chat message.
public enum ChatRole: String, Sendable, Hashable, CaseIterable {
    case system, developer, user, assistant, tool
    /// Deprecated by OpenAI in favour of `tool`; still accepted.
    case function
}
