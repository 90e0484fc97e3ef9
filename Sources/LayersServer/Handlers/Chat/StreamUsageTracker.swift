import Foundation
import LayersCore
import LayersCredits

/// Follows a stream's chunks so that a stream cut short can still be billed for what was produced:
/// the provider's final usage when it arrived, else the estimated prompt plus the streamed text (4 bytes/token).
struct StreamUsageTracker {
    let promptTokensEstimate: Int
    var final: TokenUsage?
    var streamedBytes = 0
    var reasoningBytes = 0
    var ttftMs: Int?

    init(promptTokensEstimate: Int) { self.promptTokensEstimate = promptTokensEstimate }

    mutating func observe(_ chunk: JSONObject, at start: ContinuousClock.Instant) {
        guard let choices = chunk["choices"]?.arrayValue else { return }
        for choice in choices {
            guard let delta = choice["delta"] else { continue }
            if let text = delta["content"]?.stringValue { streamedBytes += text.utf8.count }
            if let text = (delta["reasoning_content"] ?? delta["reasoning"])?.stringValue {
                reasoningBytes += text.utf8.count
            }
            for call in delta["tool_calls"]?.arrayValue ?? [] {
                streamedBytes += call["function"]?["arguments"]?.stringValue?.utf8.count ?? 0
                streamedBytes += call["function"]?["name"]?.stringValue?.utf8.count ?? 0
            }
        }
        if ttftMs == nil, streamedBytes + reasoningBytes > 0 {
            let d = ContinuousClock.now - start
            ttftMs = Int(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)
        }
    }

    /// The provider's usage if it came, else an estimate of what was produced so far.
    var usageSoFar: TokenUsage {
        if let final { return final }
        let reasoning = (reasoningBytes + 3) / 4
        return TokenUsage(promptTokens: promptTokensEstimate,
                          completionTokens: (streamedBytes + 3) / 4 + reasoning, reasoningTokens: reasoning)
    }
}
