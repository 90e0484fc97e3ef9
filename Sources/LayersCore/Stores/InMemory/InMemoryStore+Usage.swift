import Foundation
import LayersCredits

extension InMemoryStore {
    public func recordUsage(_ record: UsageRecord) async throws -> Bool {
        let outcome = try await settle(Settlement(usage: record, charge: .zero))
        return !outcome.replayed
    }

    public func usageTotals(_ query: UsageQuery) async throws -> UsageTotals {
        var totals = UsageTotals()
        for row in usageRows where query.matches(row) { totals.add(row) }
        return totals
    }

    public func usageBreakdown(_ query: UsageQuery, by grouping: UsageGrouping) async throws -> [UsageGroup] {
        var groups: [String: UsageTotals] = [:]
        for row in usageRows where query.matches(row) {
            groups[Self.groupKey(row, grouping), default: UsageTotals()].add(row)
        }
        let list = groups.map { UsageGroup(key: $0.key, totals: $0.value) }
        if grouping == .day { return list.sorted { $0.key < $1.key } }
        return list.sorted { ($0.totals.credits, $1.key) > ($1.totals.credits, $0.key) }
    }

    public func recentUsage(_ query: UsageQuery, limit: Int) async throws -> [UsageRecord] {
        let rows = usageRows.filter { query.matches($0) }
        return Array(rows.sorted { ($0.createdAt, $0.requestID) > ($1.createdAt, $1.requestID) }
            .prefix(max(0, limit)))
    }

    public func usage(requestID: String) async throws -> UsageRecord? {
        usageIndexByRequest[requestID].map { usageRows[$0] }
    }

    static func groupKey(_ row: UsageRecord, _ grouping: UsageGrouping) -> String {
        switch grouping {
        case .day: return UTCDay.string(row.createdAt)
        case .model: return row.model
        case .provider: return row.provider
        case .apiKey: return row.apiKeyID?.description ?? ""
        case .project: return row.project ?? ""
        }
    }
}

/// `YYYY-MM-DD` of a date in UTC, without Calendar or DateFormatter.
enum UTCDay {
    static func string(_ date: Date) -> String {
        let days = Int64((date.timeIntervalSince1970 / 86_400).rounded(.down))
        // Civil-from-days (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }
}
