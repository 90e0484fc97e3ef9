import Foundation
import LayersCredits

/// One row of `usage_logs`: everything known about one request, for billing and analytics.
/// Exactly one record is stored per `requestID`.
public struct UsageRecord: Sendable, Hashable, Codable {
    public var requestID: String
    public var userID: UserID
    public var apiKeyID: APIKeyID?
    public var project: String?
    /// The request's `metadata` object serialized as JSON text (stored as jsonb); nil when absent.
    public var metadataJSON: String?
    public var provider: String
    public var model: String
    /// Prompt tokens including cached ones.
    public var promptTokens: Int64
    /// Prompt tokens read from the provider's cache.
    public var cachedTokens: Int64
    /// Prompt tokens written to the provider's cache.
    public var cacheWriteTokens: Int64
    /// Completion tokens including reasoning ones.
    public var completionTokens: Int64
    public var reasoningTokens: Int64
    /// Provider cost before margin, in picodollars (1e-12 USD).
    public var baseCost: Picodollars
    /// The priced cost in micro-credits (base cost with margin).
    public var credits: MicroCredits
    /// Micro-credits actually taken from the balance (0 for test keys and failures; may be less than
    /// `credits` when the balance could not cover an overrun). Set by the store on settlement.
    public var creditsCharged: MicroCredits
    /// The margin applied, in basis points.
    public var marginBps: Int
    /// Total request latency in milliseconds.
    public var latencyMs: Int
    /// Time to first token (streams) in milliseconds.
    public var ttftMs: Int?
    /// HTTP status returned to the client.
    public var status: Int
    /// Error code for failures (e.g. `insufficient_credits`, `upstream_timeout`).
    public var errorCode: String?
    public var isTest: Bool
    public var isStream: Bool
    public var createdAt: Date

    public init(
        requestID: String, userID: UserID, apiKeyID: APIKeyID? = nil, project: String? = nil,
        metadataJSON: String? = nil, provider: String, model: String, promptTokens: Int64 = 0,
        cachedTokens: Int64 = 0, cacheWriteTokens: Int64 = 0, completionTokens: Int64 = 0,
        reasoningTokens: Int64 = 0, baseCost: Picodollars = .zero, credits: MicroCredits = .zero, creditsCharged: MicroCredits = .zero,
        marginBps: Int = 0, latencyMs: Int = 0, ttftMs: Int? = nil, status: Int = 200, errorCode: String? = nil,
        isTest: Bool = false, isStream: Bool = false, createdAt: Date = Date()
    ) {
        self.requestID = requestID
        self.userID = userID
        self.apiKeyID = apiKeyID
        self.project = project
        self.metadataJSON = metadataJSON
        self.provider = provider
        self.model = model
        self.promptTokens = promptTokens
        self.cachedTokens = cachedTokens
        self.cacheWriteTokens = cacheWriteTokens
        self.completionTokens = completionTokens
        self.reasoningTokens = reasoningTokens
        self.baseCost = baseCost
        self.credits = credits
        self.creditsCharged = creditsCharged
        self.marginBps = marginBps
        self.latencyMs = latencyMs
        self.ttftMs = ttftMs
        self.status = status
        self.errorCode = errorCode
        self.isTest = isTest
        self.isStream = isStream
        self.createdAt = createdAt
    }
}
