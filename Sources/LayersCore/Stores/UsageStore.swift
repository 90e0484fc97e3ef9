import Foundation

/// The usage log and its queries.
///
/// Successful requests get their usage row from `CreditLedger.settle` (same transaction as the charge).
/// `recordUsage` is for rows without a charge: requests refused or failed before settlement.
public protocol UsageStore: Sendable {
    /// Stores a row without charging (its `creditsCharged` is stored as 0). Returns false, changing nothing,
    /// when a row for `requestID` already exists.
    func recordUsage(_ record: UsageRecord) async throws -> Bool
    /// Sums over the rows matching `query`.
    func usageTotals(_ query: UsageQuery) async throws -> UsageTotals
    /// Sums grouped by `grouping`; days ascending, other groupings by credits descending then key.
    func usageBreakdown(_ query: UsageQuery, by grouping: UsageGrouping) async throws -> [UsageGroup]
    /// The newest rows matching `query`, newest first.
    func recentUsage(_ query: UsageQuery, limit: Int) async throws -> [UsageRecord]
    /// The row for one request, or nil.
    func usage(requestID: String) async throws -> UsageRecord?
}
