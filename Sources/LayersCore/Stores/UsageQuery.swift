import Foundation
import LayersCredits

/// Filters for usage queries. `from` is inclusive, `to` exclusive.
public struct UsageQuery: Sendable, Hashable {
    public var userID: UserID?
    public var apiKeyID: APIKeyID?
    public var project: String?
    public var provider: String?
    public var model: String?
    public var from: Date
    public var to: Date
    /// Include rows made with test keys (default false).
    public var includeTest: Bool

    public init(userID: UserID? = nil, apiKeyID: APIKeyID? = nil, project: String? = nil, provider: String? = nil,
                model: String? = nil, from: Date, to: Date, includeTest: Bool = false) {
        self.userID = userID
        self.apiKeyID = apiKeyID
        self.project = project
        self.provider = provider
        self.model = model
        self.from = from
        self.to = to
        self.includeTest = includeTest
    }

    /// The last `days` days up to now.
    public static func lastDays(_ days: Int, userID: UserID? = nil, now: Date = Date()) -> UsageQuery {
        UsageQuery(userID: userID, from: now.addingTimeInterval(-Double(days) * 86_400), to: now)
    }

    /// Whether a record passes the filters.
    public func matches(_ record: UsageRecord) -> Bool {
        if let userID, record.userID != userID { return false }
        if let apiKeyID, record.apiKeyID != apiKeyID { return false }
        if let project, record.project != project { return false }
        if let provider, record.provider != provider { return false }
        if let model, record.model != model { return false }
        if !includeTest && record.isTest { return false }
        return record.createdAt >= from && record.createdAt < to
    }
}

/// How to group a usage breakdown.
public enum UsageGrouping: String, Sendable, Hashable, CaseIterable {
    /// By UTC calendar day; the group key is `YYYY-MM-DD`.
    case day
    case model
    case provider
    /// By API key id (lowercase UUID text; `""` for rows without a key).
    case apiKey
    /// By project (`""` for rows without one).
    case project
}

/// Sums over a set of usage rows.
public struct UsageTotals: Sendable, Hashable, Codable {
    public var requests: Int64 = 0
    /// Rows whose status is not 2xx.
    public var errors: Int64 = 0
    public var promptTokens: Int64 = 0
    public var cachedTokens: Int64 = 0
    public var cacheWriteTokens: Int64 = 0
    public var completionTokens: Int64 = 0
    public var reasoningTokens: Int64 = 0
    /// Picodollars.
    public var baseCost: Picodollars = .zero
    /// Priced micro-credits.
    public var credits: MicroCredits = .zero
    /// Micro-credits taken from the balance.
    public var creditsCharged: MicroCredits = .zero
    /// Sum of latencies in ms (divide by `requests` for the mean).
    public var totalLatencyMs: Int64 = 0

    public init() {}

    /// Adds one record.
    public mutating func add(_ r: UsageRecord) {
        requests += 1
        if !(200..<300).contains(r.status) { errors += 1 }
        promptTokens += r.promptTokens
        cachedTokens += r.cachedTokens
        cacheWriteTokens += r.cacheWriteTokens
        completionTokens += r.completionTokens
        reasoningTokens += r.reasoningTokens
        baseCost = baseCost + r.baseCost
        credits = credits + r.credits
        creditsCharged = creditsCharged + r.creditsCharged
        totalLatencyMs += Int64(r.latencyMs)
    }
}

/// One group of a usage breakdown.
public struct UsageGroup: Sendable, Hashable, Codable {
    public var key: String
    public var totals: UsageTotals

    public init(key: String, totals: UsageTotals) {
        self.key = key
        self.totals = totals
    }
}
