import Foundation
import LayersCore
import LayersCredits
import LayersModels

/// Builds the `usage_logs` row of one request from what the pipeline learned.
struct UsageRecordBuilder: Sendable {
    let requestID: String
    let principal: Principal
    let model: ModelInfo
    let metadata: JSONValue?
    let isStream: Bool
    let createdAt: Date

    init(context: RequestContext, principal: Principal, model: ModelInfo, isStream: Bool) {
        requestID = context.billingID
        self.principal = principal
        self.model = model
        metadata = context.body?["metadata"]
        self.isStream = isStream
        createdAt = context.startedAtDate
    }

    var project: String? {
        metadata?["project"]?.stringValue ?? principal.key.project
    }

    func success(usage: TokenUsage, breakdown: CostBreakdown, latencyMs: Int, ttftMs: Int?) -> UsageRecord {
        UsageRecord(
            requestID: requestID, userID: principal.userID, apiKeyID: principal.key.id, project: project,
            metadataJSON: metadataJSON, provider: model.provider.rawValue, model: model.id,
            promptTokens: Int64(usage.promptTokens), cachedTokens: Int64(usage.cachedReadTokens),
            cacheWriteTokens: Int64(usage.cacheWrite5mTokens + usage.cacheWrite1hTokens),
            completionTokens: Int64(usage.completionTokens), reasoningTokens: Int64(usage.reasoningTokens),
            baseCost: breakdown.baseCost, credits: breakdown.credits, creditsCharged: .zero,
            marginBps: Int(breakdown.margin.bps), latencyMs: latencyMs, ttftMs: ttftMs, status: 200, errorCode: nil,
            isTest: principal.isTest, isStream: isStream, createdAt: createdAt)
    }

    func failure(status: Int, code: String, latencyMs: Int) -> UsageRecord {
        UsageRecord(
            requestID: requestID, userID: principal.userID, apiKeyID: principal.key.id, project: project,
            metadataJSON: metadataJSON, provider: model.provider.rawValue, model: model.id,
            latencyMs: latencyMs, status: status, errorCode: code, isTest: principal.isTest, isStream: isStream,
            createdAt: createdAt)
    }

    private var metadataJSON: String? {
        guard let metadata, case .object = metadata else { return nil }
        return metadata.serialized()
    }
}
