/// Provider cost of each priced component of one request, before margin.
public struct CostComponents: Sendable, Hashable, Codable {
    /// Uncached text (non-audio) input tokens.
    public var input: Picodollars = .zero
    /// Uncached audio input tokens.
    public var audioInput: Picodollars = .zero
    public var cachedRead: Picodollars = .zero
    public var cacheWrite5m: Picodollars = .zero
    public var cacheWrite1h: Picodollars = .zero
    /// Output tokens, reasoning included.
    public var output: Picodollars = .zero
    public var requestFees: Picodollars = .zero
    public var webSearch: Picodollars = .zero
    public var images: Picodollars = .zero

    public init() {}

    /// The sum of all components (saturating).
    public var total: Picodollars {
        [input, audioInput, cachedRead, cacheWrite5m, cacheWrite1h, output, requestFees, webSearch, images]
            .reduce(Picodollars.zero) { $0.saturatingAdding($1) }
    }
}

/// The priced result of one request: provider cost, margin and credits.
///
/// `credits` is the amount charged. It is computed once from `baseCost` with the margin and
/// rounded once, half-up, to the micro-credit. `creditsBeforeMargin` is the base cost in credits
/// (also rounded half-up) and `marginCredits` is `credits - creditsBeforeMargin`, so the two
/// displayed parts always add up to the charge.
public struct CostBreakdown: Sendable, Hashable, Codable {
    /// Provider cost before margin.
    public var baseCost: Picodollars
    /// The margin applied.
    public var margin: Margin
    /// Credits charged (base cost × (1 + margin) / $0.01, rounded once).
    public var credits: MicroCredits
    /// Base cost in credits, without margin.
    public var creditsBeforeMargin: MicroCredits
    /// `credits - creditsBeforeMargin`.
    public var marginCredits: MicroCredits
    /// Base cost × (1 + margin), in picodollars (rounded half-up to the picodollar).
    public var totalCostUSD: Picodollars
    /// Per-component provider cost (sums to `baseCost`).
    public var components: CostComponents
    /// The long-context tier threshold applied, if any.
    public var longContextTierAbove: Int?

    public init(baseCost: Picodollars, margin: Margin, components: CostComponents = CostComponents(),
                longContextTierAbove: Int? = nil) {
        self.baseCost = baseCost
        self.margin = margin
        self.credits = CreditCalculator.credits(for: baseCost, margin: margin)
        self.creditsBeforeMargin = baseCost.creditsBeforeMargin
        self.marginCredits = credits - creditsBeforeMargin
        self.totalCostUSD = Picodollars(rawValue: CheckedMath.multiplyDivideRounded(
            baseCost.rawValue, margin.multiplierBps, 10_000))
        self.components = components
        self.longContextTierAbove = longContextTierAbove
    }

    /// The original's `cost_breakdown` keys in order.
    public static let fieldNames = ["base_cost_usd", "margin_percent", "total_cost_usd",
                                    "credits_before_margin", "margin_credits"]

    /// The original's `cost_breakdown` object as (key, JSON number literal) pairs, exact:
    /// `[("base_cost_usd", "0.021"), ("margin_percent", "60"), ("total_cost_usd", "0.0336"),
    ///   ("credits_before_margin", "2.1"), ("margin_credits", "1.26")]`.
    /// Write the values as raw JSON numbers (e.g. `JSONNumber(text:)`), never through binary floating point.
    public var fields: [(String, String)] {
        [("base_cost_usd", baseCost.decimalUSDString),
         ("margin_percent", margin.percentString),
         ("total_cost_usd", totalCostUSD.decimalUSDString),
         ("credits_before_margin", creditsBeforeMargin.decimalString),
         ("margin_credits", marginCredits.decimalString)]
    }

    /// `fields` rendered as a compact JSON object text:
    /// `{"base_cost_usd":0.021,"margin_percent":60,...}`.
    public var jsonObjectText: String {
        "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }
}
