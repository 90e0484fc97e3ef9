/// Per-request fees by search context size (Perplexity Sonar), charged on top of tokens.
///
/// Perplexity publishes them per 1,000 requests: Sonar is $5 / $8 / $12 for low / medium / high,
/// i.e. $0.005 / $0.008 / $0.012 per request.
public struct RequestFees: Sendable, Hashable, Codable {
    public var low: Picodollars
    public var medium: Picodollars
    public var high: Picodollars

    public init(low: Picodollars, medium: Picodollars, high: Picodollars) {
        self.low = low
        self.medium = medium
        self.high = high
    }

    /// Fees from decimal dollars per 1,000 requests, as Perplexity lists them
    /// (`RequestFees(usdPerThousand: "5", "8", "12")`). Traps on malformed literals.
    public init(usdPerThousand low: String, _ medium: String, _ high: String) {
        func perRequest(_ text: String) -> Picodollars {
            let perThousand = Picodollars(usd: text)
            precondition(perThousand.rawValue % 1000 == 0, "fee not exact per request: \(text)")
            return Picodollars(rawValue: perThousand.rawValue / 1000)
        }
        self.init(low: perRequest(low), medium: perRequest(medium), high: perRequest(high))
    }

    /// The fee for one request; nil size uses Perplexity's default, `low`.
    public func fee(for size: SearchContextSize?) -> Picodollars {
        switch size ?? .low {
        case .low: return low
        case .medium: return medium
        case .high: return high
        }
    }
}
