import Foundation
import LayersCore
import LayersCredits

extension PostgresStore: UsageStore {
    static let usageColumns = """
        request_id, user_id, api_key_id, project, metadata, provider, model, prompt_tokens, cached_tokens,
        cache_write_tokens, completion_tokens, reasoning_tokens, base_cost_pd, credits, credits_charged, margin_bps,
        latency_ms, ttft_ms, status, error_code, is_test, is_stream, created_at
        """

    static let totalsColumns = """
        count(*), count(*) FILTER (WHERE status NOT BETWEEN 200 AND 299), COALESCE(sum(prompt_tokens), 0),
        COALESCE(sum(cached_tokens), 0), COALESCE(sum(cache_write_tokens), 0), COALESCE(sum(completion_tokens), 0),
        COALESCE(sum(reasoning_tokens), 0), COALESCE(sum(base_cost_pd), 0), COALESCE(sum(credits), 0),
        COALESCE(sum(credits_charged), 0), COALESCE(sum(latency_ms), 0)
        """

    static func decodeUsage(_ row: PostgresRow) throws -> UsageRecord {
        UsageRecord(
            requestID: try row.requiredString(0), userID: UserID(try row.requiredUUID(1)),
            apiKeyID: row.uuid(2).map(APIKeyID.init), project: row.string(3), metadataJSON: row.string(4),
            provider: try row.requiredString(5), model: try row.requiredString(6),
            promptTokens: try row.requiredInt64(7), cachedTokens: try row.requiredInt64(8),
            cacheWriteTokens: try row.requiredInt64(9), completionTokens: try row.requiredInt64(10),
            reasoningTokens: try row.requiredInt64(11), baseCost: Picodollars(rawValue: try row.requiredInt64(12)),
            credits: MicroCredits(rawValue: try row.requiredInt64(13)),
            creditsCharged: MicroCredits(rawValue: try row.requiredInt64(14)), marginBps: try row.requiredInt(15),
            latencyMs: try row.requiredInt(16), ttftMs: row.int(17), status: try row.requiredInt(18),
            errorCode: row.string(19), isTest: try row.requiredBool(20), isStream: try row.requiredBool(21),
            createdAt: try row.requiredDate(22))
    }

    /// Decodes `totalsColumns` starting at column `first`.
    static func decodeTotals(_ row: PostgresRow, from first: Int) throws -> UsageTotals {
        var t = UsageTotals()
        t.requests = try row.requiredInt64(first)
        t.errors = try row.requiredInt64(first + 1)
        t.promptTokens = try row.requiredInt64(first + 2)
        t.cachedTokens = try row.requiredInt64(first + 3)
        t.cacheWriteTokens = try row.requiredInt64(first + 4)
        t.completionTokens = try row.requiredInt64(first + 5)
        t.reasoningTokens = try row.requiredInt64(first + 6)
        t.baseCost = Picodollars(rawValue: try row.requiredInt64(first + 7))
        t.credits = MicroCredits(rawValue: try row.requiredInt64(first + 8))
        t.creditsCharged = MicroCredits(rawValue: try row.requiredInt64(first + 9))
        t.totalLatencyMs = try row.requiredInt64(first + 10)
        return t
    }

    /// A WHERE clause holding only the filters present (so each shape gets its own plan and index), and its
    /// parameters.
    static func whereClause(_ q: UsageQuery) -> (String, [any PostgresEncodable & Sendable]) {
        var conditions = ["created_at >= $1", "created_at < $2"]
        var values: [any PostgresEncodable & Sendable] = [q.from, q.to]
        func add(_ column: String, _ value: any PostgresEncodable & Sendable) {
            values.append(value)
            conditions.append("\(column) = $\(values.count)")
        }
        if let v = q.userID { add("user_id", v) }
        if let v = q.apiKeyID { add("api_key_id", v) }
        if let v = q.project { add("project", v) }
        if let v = q.provider { add("provider", v) }
        if let v = q.model { add("model", v) }
        if !q.includeTest { conditions.append("NOT is_test") }
        return (conditions.joined(separator: " AND "), values)
    }

    public func recordUsage(_ record: UsageRecord) async throws -> Bool {
        !(try await settle(Settlement(usage: record, charge: .zero)).replayed)
    }

    public func usageTotals(_ query: UsageQuery) async throws -> UsageTotals {
        let (condition, values) = Self.whereClause(query)
        return try await run { conn in
            try Self.decodeTotals(
                conn.query("SELECT \(Self.totalsColumns) FROM usage_logs WHERE \(condition)", values).row(0), from: 0)
        }
    }

    public func usageBreakdown(_ query: UsageQuery, by grouping: UsageGrouping) async throws -> [UsageGroup] {
        let (condition, values) = Self.whereClause(query)
        let key: String
        switch grouping {
        case .day: key = "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
        case .model: key = "model"
        case .provider: key = "provider"
        case .apiKey: key = "COALESCE(api_key_id::text, '')"
        case .project: key = "COALESCE(project, '')"
        }
        let order = grouping == .day ? "1" : "10 DESC, (\(key)) COLLATE \"C\""
        return try await run { conn in
            try conn.query("""
                SELECT \(key), \(Self.totalsColumns) FROM usage_logs WHERE \(condition) GROUP BY 1 ORDER BY \(order)
                """, values).rows.map { row in
                UsageGroup(key: try row.requiredString(0), totals: try Self.decodeTotals(row, from: 1))
            }
        }
    }

    public func recentUsage(_ query: UsageQuery, limit: Int) async throws -> [UsageRecord] {
        let (condition, values) = Self.whereClause(query)
        let limitParameter = "$\(values.count + 1)"
        return try await run { conn in
            try conn.query("""
                SELECT \(Self.usageColumns) FROM usage_logs WHERE \(condition)
                ORDER BY created_at DESC, request_id COLLATE "C" DESC LIMIT \(limitParameter)
                """, values + [max(0, limit)]).rows.map(Self.decodeUsage)
        }
    }

    public func usage(requestID: String) async throws -> UsageRecord? {
        try await run { conn in
            let anchor = try conn.query(
                "SELECT user_id, usage_created_at FROM request_settlements WHERE request_id = $1", [requestID])
            guard anchor.count > 0 else { return nil }
            let user = try anchor.row(0).requiredUUID(0)
            let created = try anchor.row(0).requiredDate(1)
            let result = try conn.query("""
                SELECT \(Self.usageColumns) FROM usage_logs WHERE user_id = $1 AND created_at = $2 AND request_id = $3
                """, [user, created, requestID])
            return result.count == 0 ? nil : try Self.decodeUsage(result.row(0))
        }
    }
}
