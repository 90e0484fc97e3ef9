/// Decisions the request builder made that the response translation needs.
struct AnthropicPlan: Sendable, Hashable {
    /// The forced tool that carries `response_format` JSON (its input is returned as message content).
    var jsonToolName: String?
    /// The JSON schema was not an object, so it was wrapped as `{"value": …}` and is unwrapped on the way back.
    var jsonWrapped = false
    var thinkingEnabled = false
}
