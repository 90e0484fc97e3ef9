extension LayersError {
    /// Maps a provider's HTTP error to our error model: 400-class request errors pass the
    /// provider's message on as 400, 401/403 (our upstream credentials refused) become 502
    /// without the provider's text (it may quote our key), 404 becomes 502, 408 becomes 504,
    /// 429 keeps its Retry-After, 503 and 529 become 503 overloaded, other 5xx become 502.
    /// The message is scrubbed of anything that looks like an API key.
    ///
    /// ```swift
    /// throw LayersError.upstream(provider: "anthropic", model: "claude-sonnet-4-5",
    ///                            status: 529, message: "Overloaded", retryAfterSeconds: nil)
    /// ```
    public static func upstream(
        provider: String, model: String? = nil, status: Int, message: String, retryAfterSeconds: Int? = nil
    ) -> LayersError {
        let cleaned = redactingSecrets(in: message)
        switch status {
        case 401, 403:
            return .providerError(
                provider: provider, model: model,
                message: "the provider refused the gateway's credentials; the operator must check its API key",
                upstreamStatus: status)
        case 408:
            return .upstreamTimeout(provider: provider, model: model, phase: .total)
        case 429:
            return .providerRateLimited(provider: provider, model: model, retryAfterSeconds: retryAfterSeconds, message: cleaned)
        case 404:
            return .providerError(provider: provider, model: model, message: cleaned, upstreamStatus: status)
        case 400...499:
            return .providerRejectedRequest(provider: provider, model: model, message: cleaned)
        case 503, 529:
            return .providerOverloaded(provider: provider, model: model, retryAfterSeconds: retryAfterSeconds)
        case 504:
            return .upstreamTimeout(provider: provider, model: model, phase: .total)
        default:
            return .providerError(provider: provider, model: model, message: cleaned, upstreamStatus: status)
        }
    }

    /// Key prefixes of the providers we call and of our own keys.
    static let secretPrefixes = ["sk-", "sk_", "lyr_", "AIza", "pplx-", "vck_", "xai-", "key-", "Bearer "]

    /// Replaces every token that starts with a known key prefix (and is at least 12
    /// characters) with `[redacted]`, so a provider message quoting a key cannot leak it.
    public static func redactingSecrets(in text: String) -> String {
        guard secretPrefixes.contains(where: { text.contains($0) }) else { return text }
        var output = ""
        var rest = Substring(text)
        while !rest.isEmpty {
            if let prefix = secretPrefixes.first(where: { rest.hasPrefix($0) }),
               output.last.map({ !$0.isLetter && !$0.isNumber }) ?? true {
                let afterPrefix = rest.dropFirst(prefix.count)
                let token = afterPrefix.prefix { !$0.isWhitespace && $0 != "\"" && $0 != "'" && $0 != "," && $0 != "." }
                if prefix.count + token.count >= 12 {
                    output += prefix == "Bearer " ? "Bearer [redacted]" : "[redacted]"
                    rest = afterPrefix.dropFirst(token.count)
                    continue
                }
            }
            output.append(rest.removeFirst())
        }
        return output
    }
}
