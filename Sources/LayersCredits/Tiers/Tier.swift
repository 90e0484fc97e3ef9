/// A subscription tier: how many credits a month and how many requests per minute.
///
/// Defaults come from the original Layers (`lib/credits/types.ts`); deployers change them
/// with `TierTable.applying(overridesJSON:)`.
public struct Tier: Sendable, Hashable, Codable {
    /// Lower-case name: "free", "starter", "pro", "team", "test".
    public var name: String
    /// Credits granted each month (also the balance of a new free account).
    public var monthlyCredits: MicroCredits
    /// Sustained request rate allowed per user.
    public var requestsPerMinute: Int
    /// Requests allowed in a burst above the sustained rate (token-bucket capacity); nil = one
    /// minute's worth (`requestsPerMinute`).
    public var burst: Int?
    /// Subscription price in US cents per month; nil for tiers that are not sold.
    public var priceCentsPerMonth: Int?
    /// Credits sold per dollar of overage; nil when overage is not allowed.
    public var overageCreditsPerUSD: Int?

    public init(name: String, monthlyCredits: MicroCredits, requestsPerMinute: Int, burst: Int? = nil,
                priceCentsPerMonth: Int? = nil, overageCreditsPerUSD: Int? = nil) {
        self.name = name.lowercased()
        self.monthlyCredits = monthlyCredits
        self.requestsPerMinute = requestsPerMinute
        self.burst = burst
        self.priceCentsPerMonth = priceCentsPerMonth
        self.overageCreditsPerUSD = overageCreditsPerUSD
    }

    /// Token-bucket capacity: `burst`, or one minute's worth of requests.
    public var effectiveBurst: Int { burst ?? requestsPerMinute }

    public static let free = Tier(name: "free", monthlyCredits: MicroCredits(credits: 50), requestsPerMinute: 10,
                                  priceCentsPerMonth: 0)
    public static let starter = Tier(name: "starter", monthlyCredits: MicroCredits(credits: 500), requestsPerMinute: 60,
                                     priceCentsPerMonth: 2_000, overageCreditsPerUSD: 20)
    public static let pro = Tier(name: "pro", monthlyCredits: MicroCredits(credits: 3_000), requestsPerMinute: 300,
                                 priceCentsPerMonth: 10_000, overageCreditsPerUSD: 25)
    public static let team = Tier(name: "team", monthlyCredits: MicroCredits(credits: 7_500), requestsPerMinute: 1_000,
                                  priceCentsPerMonth: 20_000, overageCreditsPerUSD: 30)
    /// Used by `lyr_test_` keys and tests only: no credits, 1,000 requests per minute.
    public static let test = Tier(name: "test", monthlyCredits: .zero, requestsPerMinute: 1_000)
}
