import Foundation
import LayersCore
import LayersCredits

/// JSON renderings of store records shared by the account and admin endpoints.
enum RecordJSON {
    static func date(_ date: Date?) -> JSONValue {
        guard let date else { return .null }
        return .string(iso8601(date))
    }

    static func iso8601(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
    }

    static func credits(_ amount: MicroCredits) -> JSONValue { .decimal(amount.decimalString) }

    static func key(_ k: APIKeyRecord, now: Date = Date()) -> JSONValue {
        var o = JSONObject()
        o["id"] = .string(k.id.description)
        o["name"] = .string(k.name)
        o["prefix"] = .string(k.keyPrefix)
        o["mode"] = .string(k.mode.rawValue)
        o["project"] = k.project.map(JSONValue.string) ?? .null
        o["is_active"] = .bool(k.status(at: now) == .active)
        o["status"] = .string(k.status(at: now).rawValue)
        o["created_at"] = date(k.createdAt)
        o["last_used_at"] = date(k.lastUsedAt)
        o["expires_at"] = date(k.expiresAt)
        o["revoked_at"] = date(k.revokedAt)
        o["tier"] = k.tierOverride.map(JSONValue.string) ?? .null
        o["margin_percent"] = k.marginBps.map { .decimal(DecimalText.format(Int64($0), scale: 2)) } ?? .null
        o["monthly_budget"] = k.monthlyBudget.map(credits) ?? .null
        return .object(o)
    }

    static func account(_ a: CreditAccount) -> JSONValue {
        var o = JSONObject()
        o["credits"] = credits(a.balance)
        o["available"] = credits(a.available)
        o["reserved"] = credits(a.reserved)
        o["tier"] = .string(a.tier)
        o["monthly_credits"] = credits(a.monthlyCredits)
        o["margin_percent"] = a.marginBps.map { .decimal(DecimalText.format(Int64($0), scale: 2)) } ?? .null
        o["subscription_status"] = a.billingSubscriptionID == nil ? .null : "active"
        return .object(o)
    }

    static func user(_ u: UserAccount, account: CreditAccount?) -> JSONValue {
        var o = JSONObject()
        o["id"] = .string(u.id.description)
        o["email"] = u.email.map(JSONValue.string) ?? .null
        o["name"] = u.displayName.map(JSONValue.string) ?? .null
        o["created_at"] = date(u.createdAt)
        if let account { o["account"] = Self.account(account) }
        return .object(o)
    }

    static func totals(_ t: UsageTotals) -> JSONObject {
        var o = JSONObject()
        o["requests"] = .number(JSONNumber(t.requests))
        o["errors"] = .number(JSONNumber(t.errors))
        o["prompt_tokens"] = .number(JSONNumber(t.promptTokens))
        o["cached_tokens"] = .number(JSONNumber(t.cachedTokens))
        o["completion_tokens"] = .number(JSONNumber(t.completionTokens))
        o["reasoning_tokens"] = .number(JSONNumber(t.reasoningTokens))
        o["base_cost_usd"] = .decimal(t.baseCost.decimalUSDString)
        o["credits"] = credits(t.credits)
        o["credits_charged"] = credits(t.creditsCharged)
        o["avg_latency_ms"] = .number(JSONNumber(t.requests > 0 ? t.totalLatencyMs / t.requests : 0))
        return o
    }

    static func usage(_ r: UsageRecord) -> JSONValue {
        var o = JSONObject()
        o["request_id"] = .string(r.requestID)
        o["created_at"] = date(r.createdAt)
        o["model"] = .string(r.model)
        o["provider"] = .string(r.provider)
        o["api_key_id"] = r.apiKeyID.map { .string($0.description) } ?? .null
        o["project"] = r.project.map(JSONValue.string) ?? .null
        o["prompt_tokens"] = .number(JSONNumber(r.promptTokens))
        o["cached_tokens"] = .number(JSONNumber(r.cachedTokens))
        o["cache_write_tokens"] = .number(JSONNumber(r.cacheWriteTokens))
        o["completion_tokens"] = .number(JSONNumber(r.completionTokens))
        o["reasoning_tokens"] = .number(JSONNumber(r.reasoningTokens))
        o["base_cost_usd"] = .decimal(r.baseCost.decimalUSDString)
        o["credits"] = credits(r.credits)
        o["credits_charged"] = credits(r.creditsCharged)
        o["margin_percent"] = .decimal(DecimalText.format(Int64(r.marginBps), scale: 2))
        o["latency_ms"] = .number(JSONNumber(r.latencyMs))
        o["ttft_ms"] = r.ttftMs.map { .number(JSONNumber($0)) } ?? .null
        o["status"] = .number(JSONNumber(r.status))
        o["error_code"] = r.errorCode.map(JSONValue.string) ?? .null
        o["test"] = .bool(r.isTest)
        o["stream"] = .bool(r.isStream)
        if let m = r.metadataJSON, let parsed = try? JSONValue.parse(m) { o["metadata"] = parsed }
        return .object(o)
    }
}
