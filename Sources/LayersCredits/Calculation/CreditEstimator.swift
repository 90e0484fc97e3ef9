/// The result of checking a pre-flight estimate against the per-request cap.
public enum PreflightDecision: Sendable, Hashable {
    /// The estimate is within the cap: reserve `estimate` and go ahead.
    case allowed(estimate: MicroCredits)
    /// The estimate exceeds the cap: refuse the request (the original answered 400
    /// "Request exceeds maximum cost per request" with a suggestion to lower max_tokens).
    case exceedsCap(estimate: MicroCredits, cap: MicroCredits)

    /// The estimated credits, whatever the decision.
    public var estimate: MicroCredits {
        switch self {
        case .allowed(let estimate), .exceedsCap(let estimate, _): return estimate
        }
    }

    public var isAllowed: Bool {
        if case .allowed = self { return true }
        return false
    }
}

/// Estimates a request's credits BEFORE calling the provider, for the reservation and the cap.
///
/// - Prompt tokens are estimated from the request body size: `ceil(promptBytes / bytesPerToken)`
///   with 4 bytes per token (English text averages about 4 characters per token; JSON framing
///   makes the estimate err on the high side, which is the safe side for a reservation).
/// - Output tokens are the request's `max_tokens` / `max_completion_tokens` when given;
///   otherwise the model's default maximum output, limited to `unspecifiedOutputTokens`
///   (4,096 by default) so that a model with a 128K output limit does not reserve 128K tokens
///   for a short question.
/// - The estimate uses the input price (no cache discount), the output price, the long-context
///   tier chosen by the estimated prompt, the request fee for the requested search context size,
///   and the margin; it is rounded once, like a real charge.
public struct CreditEstimator: Sendable, Hashable {
    /// Bytes of request per estimated prompt token.
    public var bytesPerToken: Int
    /// Output tokens assumed when the request sets no maximum (capped by the model's default).
    public var unspecifiedOutputTokens: Int
    /// The per-request cap; the original used 100 credits.
    public var maxCreditsPerRequest: MicroCredits

    public init(bytesPerToken: Int = 4, unspecifiedOutputTokens: Int = 4_096,
                maxCreditsPerRequest: MicroCredits = MicroCredits(credits: 100)) {
        precondition(bytesPerToken > 0, "bytesPerToken must be positive")
        self.bytesPerToken = bytesPerToken
        self.unspecifiedOutputTokens = unspecifiedOutputTokens
        self.maxCreditsPerRequest = maxCreditsPerRequest
    }

    /// The default estimator: 4 bytes per token, 4,096 output tokens when unspecified, 100-credit cap.
    public static let standard = CreditEstimator()

    /// Estimated prompt tokens for a body of `promptBytes` bytes (rounded up).
    public func promptTokens(forBytes promptBytes: Int) -> Int {
        let bytes = max(0, promptBytes)
        return bytes / bytesPerToken + (bytes % bytesPerToken == 0 ? 0 : 1)
    }

    /// Output tokens the estimate assumes.
    public func outputTokens(maxOutputTokens: Int?, defaultMaxOutputTokens: Int?) -> Int {
        if let maxOutputTokens { return max(0, maxOutputTokens) }
        guard let defaultMaxOutputTokens else { return unspecifiedOutputTokens }
        return min(max(0, defaultMaxOutputTokens), unspecifiedOutputTokens)
    }

    /// The usage record the estimate prices.
    public func estimatedUsage(promptBytes: Int, maxOutputTokens: Int?, defaultMaxOutputTokens: Int?,
                               searchContextSize: SearchContextSize? = nil) -> TokenUsage {
        TokenUsage(promptTokens: promptTokens(forBytes: promptBytes),
                   completionTokens: outputTokens(maxOutputTokens: maxOutputTokens,
                                                  defaultMaxOutputTokens: defaultMaxOutputTokens),
                   searchContextSize: searchContextSize)
    }

    /// Estimated credits for a chat request.
    public func estimate(promptBytes: Int, maxOutputTokens: Int?, pricing: ModelPricing,
                         defaultMaxOutputTokens: Int?, margin: Margin = .default,
                         searchContextSize: SearchContextSize? = nil) -> MicroCredits {
        let usage = estimatedUsage(promptBytes: promptBytes, maxOutputTokens: maxOutputTokens,
                                   defaultMaxOutputTokens: defaultMaxOutputTokens,
                                   searchContextSize: searchContextSize)
        return CreditCalculator.cost(usage: usage, pricing: pricing, margin: margin).credits
    }

    /// Estimated credits for an image request (`count` images of `size` at `quality`).
    public func estimateImages(count: Int, size: String?, quality: String?, pricing: ModelPricing,
                               margin: Margin = .default) -> MicroCredits {
        let usage = TokenUsage(imageCount: max(0, count), imageSize: size, imageQuality: quality)
        return CreditCalculator.cost(usage: usage, pricing: pricing, margin: margin).credits
    }

    /// Checks an estimate against `maxCreditsPerRequest`.
    public func check(_ estimate: MicroCredits) -> PreflightDecision {
        estimate > maxCreditsPerRequest
            ? .exceedsCap(estimate: estimate, cap: maxCreditsPerRequest)
            : .allowed(estimate: estimate)
    }

    /// Estimate and cap check in one step.
    public func preflight(promptBytes: Int, maxOutputTokens: Int?, pricing: ModelPricing,
                          defaultMaxOutputTokens: Int?, margin: Margin = .default,
                          searchContextSize: SearchContextSize? = nil) -> PreflightDecision {
        check(estimate(promptBytes: promptBytes, maxOutputTokens: maxOutputTokens, pricing: pricing,
                       defaultMaxOutputTokens: defaultMaxOutputTokens, margin: margin,
                       searchContextSize: searchContextSize))
    }

    /// Convenience with the standard estimator.
    public static func estimate(promptBytes: Int, maxOutputTokens: Int?, pricing: ModelPricing,
                                defaultMaxOutputTokens: Int?, margin: Margin = .default) -> MicroCredits {
        standard.estimate(promptBytes: promptBytes, maxOutputTokens: maxOutputTokens, pricing: pricing,
                          defaultMaxOutputTokens: defaultMaxOutputTokens, margin: margin)
    }
}
