import Foundation
import LayersCore
import LayersCredits
import LayersHTTP

/// The usage report of `GET /api/usage` (and the admin variant): totals, this month, breakdowns by day,
/// model, provider, key and project, and the most recent rows.
///
/// Query parameters: `days` (default 30, at most 366) or `from`/`to` (ISO 8601 date or date-time; `to` is
/// exclusive), `model`, `provider`, `project`, `key` (API key id), `include_test` (true/false), `limit`
/// (recent rows, default 50, at most 500).
struct UsageReport: Sendable {
    let usage: any UsageStore

    /// `includeTestByDefault`: whether rows of test keys count when the request does not say (`include_test`).
    func build(_ request: HTTPRequest, userID: UserID?, includeTestByDefault: Bool = false,
               now: Date = Date()) async throws -> JSONValue {
        var query = try Self.query(request, now: now, includeTestByDefault: includeTestByDefault)
        query.userID = userID
        let limit = try Self.intParam(request, "limit", default: 50, range: 1...500)
        async let totals = usage.usageTotals(query)
        async let byDay = usage.usageBreakdown(query, by: .day)
        async let byModel = usage.usageBreakdown(query, by: .model)
        async let byProvider = usage.usageBreakdown(query, by: .provider)
        async let byKey = usage.usageBreakdown(query, by: .apiKey)
        async let byProject = usage.usageBreakdown(query, by: .project)
        async let recent = usage.recentUsage(query, limit: limit)
        var month = query
        month.from = Self.startOfMonth(now)
        month.to = now.addingTimeInterval(1)
        async let monthTotals = usage.usageTotals(month)

        let t = try await totals
        let m = try await monthTotals
        var o = JSONObject()
        o["from"] = RecordJSON.date(query.from)
        o["to"] = RecordJSON.date(query.to)
        o["total_requests"] = .number(JSONNumber(t.requests))
        o["total_credits_used"] = RecordJSON.credits(t.creditsCharged)
        o["this_month_requests"] = .number(JSONNumber(m.requests))
        o["this_month_credits"] = RecordJSON.credits(m.creditsCharged)
        o["totals"] = .object(RecordJSON.totals(t))
        o["by_day"] = groups(try await byDay, key: "date")
        o["by_model"] = groups(try await byModel, key: "model")
        o["by_provider"] = groups(try await byProvider, key: "provider")
        o["by_key"] = groups(try await byKey, key: "api_key_id")
        o["by_project"] = groups(try await byProject, key: "project")
        o["recent_logs"] = .array(try await recent.map(RecordJSON.usage))
        return .object(o)
    }

    private func groups(_ list: [UsageGroup], key: String) -> JSONValue {
        .array(list.map { g in
            var o = JSONObject()
            o[key] = .string(g.key)
            for (k, v) in RecordJSON.totals(g.totals) { o[k] = v }
            return .object(o)
        })
    }

    static func query(_ request: HTTPRequest, now: Date, includeTestByDefault: Bool = false) throws -> UsageQuery {
        var from: Date
        var to = now.addingTimeInterval(1)
        if let text = request.queryValue("to") { to = try date(text, param: "to") }
        if let text = request.queryValue("from") {
            from = try date(text, param: "from")
        } else {
            let days = try intParam(request, "days", default: 30, range: 1...366)
            from = to.addingTimeInterval(-Double(days) * 86_400)
        }
        guard from < to else {
            throw LayersError.invalidRequest(message: "from must be before to", param: "from")
        }
        var query = UsageQuery(from: from, to: to)
        query.model = request.queryValue("model")
        query.provider = request.queryValue("provider")
        query.project = request.queryValue("project")
        if let key = request.queryValue("key") {
            guard let id = APIKeyID(key) else {
                throw LayersError.invalidRequest(message: "key must be an API key id (UUID)", param: "key")
            }
            query.apiKeyID = id
        }
        if let flag = request.queryValue("include_test")?.lowercased() {
            query.includeTest = ["true", "1", "yes"].contains(flag)
        } else {
            query.includeTest = includeTestByDefault
        }
        return query
    }

    static func intParam(_ request: HTTPRequest, _ name: String, default def: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = request.queryValue(name) else { return def }
        guard let v = Int(text), range.contains(v) else {
            throw LayersError.invalidRequest(
                message: "\(name) must be an integer in \(range.lowerBound)...\(range.upperBound)", param: name)
        }
        return v
    }

    static func date(_ text: String, param: String) throws -> Date {
        let full = ISO8601DateFormatter()
        if let d = full.date(from: text) { return d }
        let dateOnly = ISO8601DateFormatter()
        dateOnly.formatOptions = [.withFullDate]
        if let d = dateOnly.date(from: text) { return d }
        throw LayersError.invalidRequest(
            message: "\(param) must be an ISO 8601 date (2025-01-31) or date-time (2025-01-31T12:00:00Z)", param: param)
    }

    static func startOfMonth(_ now: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: calendar.dateComponents([.year, .month], from: now)) ?? now
    }
}
