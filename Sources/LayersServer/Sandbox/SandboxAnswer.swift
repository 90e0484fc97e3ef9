import LayersCore
import LayersCredits

/// What the sandbox "model" answers to one chat request, before it is rendered as a response or a stream.
public struct SandboxAnswer: Sendable, Hashable {
    public struct ToolCall: Sendable, Hashable {
        public var id: String
        public var name: String
        /// The arguments as JSON text (as OpenAI sends them).
        public var arguments: String
    }

    public var content: String?
    public var reasoning: String?
    public var toolCalls: [ToolCall]
    /// `stop`, `length` or `tool_calls`.
    public var finishReason: String
    public var usage: TokenUsage
    /// A stable id derived from the request, so replays give the same answer.
    public var id: String
}
