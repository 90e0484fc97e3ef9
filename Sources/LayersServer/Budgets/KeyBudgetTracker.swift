import Foundation
import Synchronization
import LayersCore
import LayersCredits

/// Each budgeted key's spend in the current calendar month (UTC), kept in memory so that checking a budget costs
/// no query per request.
///
/// * A key's spend is read from the usage log the first time the key is checked in a month (one indexed query,
///   `usage_logs_key_time`), then kept up to date by ``settled(requestID:keyID:amount:at:)``, which the
///   settlement path calls with every charge (``KeyBudgetSubmitter``). It is re-read at most every
///   `refreshInterval` (default 60 s) so charges made by other server processes are seen; a re-read never lowers
///   what this process has counted.
/// * An admitted request holds its estimate against its key until it is settled or fails, so concurrent requests
///   on one process cannot overshoot the budget together. A hold that is never settled expires after `holdTTL`.
/// * Other processes' in-flight requests and their charges of the last `refreshInterval` are not seen: a
///   multi-process deployment may overshoot a budget by that much.
/// * Test keys charge nothing and are never checked.
///
/// ```swift
/// let budgets = KeyBudgetTracker(usage: stores.usage)
/// if case .exceeded(let limit, let spent, let required) = try await budgets.admit(
///     key: principal.key, requestID: id, estimate: estimate) { throw LayersError.keyBudgetExceeded(...) }
/// ```
public actor KeyBudgetTracker {
    /// Keys this tracker has ever admitted or loaded, readable without a hop to the actor: the settlement hook
    /// skips the actor for the (usual) keys without a budget.
    private nonisolated let trackedKeys = Mutex<Set<APIKeyID>>([])

    /// Whether `keyID` has anything here that a settlement must update.
    public nonisolated func isTracking(_ keyID: APIKeyID) -> Bool {
        trackedKeys.withLock { $0.contains(keyID) }
    }

    /// Reads a key's charged credits in a month from the store of record.
    public typealias SpendSource = @Sendable (APIKeyID, BudgetMonth) async throws -> MicroCredits

    struct KeyMonth {
        var month: BudgetMonth
        var spent: MicroCredits
        var refreshedAt: Date
    }

    /// Request ids come from clients (`x-request-id`), so a hold is known by key and request id together.
    struct HoldID: Hashable {
        var keyID: APIKeyID
        var requestID: String
    }

    struct Hold {
        var amount: MicroCredits
        var expiresAt: Date
    }

    private let source: SpendSource
    private let refreshInterval: TimeInterval
    private let holdTTL: TimeInterval
    private let clock: @Sendable () -> Date
    private var months: [APIKeyID: KeyMonth] = [:]
    private var holds: [HoldID: Hold] = [:]
    private var inFlight: [APIKeyID: MicroCredits] = [:]
    private var loads: [APIKeyID: (month: BudgetMonth, task: Task<MicroCredits, any Error>)] = [:]
    private var lastPurge: Date

    /// - Parameters:
    ///   - source: where a key's month spend is read (``usageSource(_:)``).
    ///   - refreshInterval: how long a read spend is trusted before it is read again.
    ///   - holdTTL: how long an admitted request's estimate counts when it is neither settled nor released.
    public init(source: @escaping SpendSource, refreshInterval: Duration = .seconds(60),
                holdTTL: Duration = .seconds(900), clock: @escaping @Sendable () -> Date = { Date() }) {
        self.source = source
        self.refreshInterval = Self.seconds(refreshInterval)
        self.holdTTL = Self.seconds(holdTTL)
        self.clock = clock
        self.lastPurge = clock()
    }

    /// Reads spend from `usage`: the credits charged to the key in the month, test rows excluded.
    public init(usage: any UsageStore, refreshInterval: Duration = .seconds(60), holdTTL: Duration = .seconds(900),
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.init(source: Self.usageSource(usage), refreshInterval: refreshInterval, holdTTL: holdTTL, clock: clock)
    }

    /// One `usageTotals` query per key and month (`api_key_id` and a `created_at` range: the key/time index).
    public static func usageSource(_ usage: any UsageStore) -> SpendSource {
        { key, month in
            try await usage.usageTotals(UsageQuery(apiKeyID: key, from: month.start, to: month.end)).creditsCharged
        }
    }

    /// Checks `key`'s budget for a request estimated at `estimate`. When allowed (and the key has a budget), the
    /// estimate is held against the key until ``settled(requestID:keyID:amount:at:)`` or
    /// ``release(requestID:keyID:)``.
    /// `spent` in a refusal includes the key's other requests in flight on this process.
    public func admit(key: APIKeyRecord, requestID: String, estimate: MicroCredits) async throws
        -> KeyBudget.Decision
    {
        guard let limit = key.monthlyBudget, key.mode == .live else { return .allowed }
        let now = clock()
        let settled = try await spent(keyID: key.id, month: BudgetMonth(containing: now), now: now)
        purgeExpiredHolds(now)
        let spent = settled.saturatingAdding(inFlight[key.id] ?? .zero)
        let decision = KeyBudget(limit: limit).check(spent: spent, estimate: estimate)
        let hold = HoldID(keyID: key.id, requestID: requestID)
        trackedKeys.withLock { _ = $0.insert(key.id) }
        if decision == .allowed, estimate > .zero, holds[hold] == nil {
            holds[hold] = Hold(amount: estimate, expiresAt: now.addingTimeInterval(holdTTL))
            inFlight[key.id] = (inFlight[key.id] ?? .zero).saturatingAdding(estimate)
        }
        return decision
    }

    /// A request was settled: its hold goes and `amount` (what was charged) is added to the key's spend for the
    /// month of `date` (the usage row's time), if that month is being tracked.
    public func settled(requestID: String, keyID: APIKeyID?, amount: MicroCredits, at date: Date) {
        guard let keyID else { return }
        release(requestID: requestID, keyID: keyID)
        guard amount > .zero, var entry = months[keyID], entry.month == BudgetMonth(containing: date)
        else { return }
        entry.spent = entry.spent.saturatingAdding(amount)
        months[keyID] = entry
    }

    /// A request ended without a charge (refused later in the pipeline, failed): its hold goes.
    public func release(requestID: String, keyID: APIKeyID) {
        guard let hold = holds.removeValue(forKey: HoldID(keyID: keyID, requestID: requestID)) else { return }
        let left = (inFlight[keyID] ?? .zero) - hold.amount
        inFlight[keyID] = left > .zero ? left : nil
    }

    /// The key's charged spend in the current month (read from the store when not known or stale).
    public func spent(keyID: APIKeyID) async throws -> MicroCredits {
        let now = clock()
        return try await spent(keyID: keyID, month: BudgetMonth(containing: now), now: now)
    }

    /// Merges a spend read elsewhere (e.g. a key listing's query), never lowering what is counted.
    public func observe(keyID: APIKeyID, month: BudgetMonth, spent: MicroCredits) {
        merge(keyID: keyID, month: month, loaded: spent, at: clock())
    }

    /// Estimates held for the key's requests in flight on this process.
    public func inFlight(keyID: APIKeyID) -> MicroCredits { inFlight[keyID] ?? .zero }

    private func spent(keyID: APIKeyID, month: BudgetMonth, now: Date) async throws -> MicroCredits {
        if let entry = months[keyID], entry.month == month, now.timeIntervalSince(entry.refreshedAt) < refreshInterval {
            return entry.spent
        }
        let task: Task<MicroCredits, any Error>
        if let load = loads[keyID], load.month == month {
            task = load.task
        } else {
            let source = self.source
            task = Task { try await source(keyID, month) }
            loads[keyID] = (month, task)
        }
        do {
            let loaded = try await task.value
            if loads[keyID]?.task == task { loads[keyID] = nil }
            merge(keyID: keyID, month: month, loaded: loaded, at: now)
        } catch {
            if loads[keyID]?.task == task { loads[keyID] = nil }
            // A stale figure for this month beats refusing service while the store is briefly unreachable.
            guard let entry = months[keyID], entry.month == month else { throw error }
            ServerLog.warning("key budget: spend of key \(keyID) not refreshed (\(error)); using the last figure")
            return entry.spent
        }
        return months[keyID]?.spent ?? .zero
    }

    private func merge(keyID: APIKeyID, month: BudgetMonth, loaded: MicroCredits, at now: Date) {
        trackedKeys.withLock { _ = $0.insert(keyID) }
        if var entry = months[keyID], entry.month == month {
            entry.spent = max(entry.spent, loaded)
            entry.refreshedAt = now
            months[keyID] = entry
        } else if months[keyID].map({ $0.month.start < month.start }) ?? true {
            months[keyID] = KeyMonth(month: month, spent: loaded, refreshedAt: now)
        }
    }

    /// Drops holds past their expiry; scans at most every tenth of `holdTTL`.
    private func purgeExpiredHolds(_ now: Date) {
        guard now.timeIntervalSince(lastPurge) >= holdTTL / 10 else { return }
        lastPurge = now
        for (id, hold) in holds where hold.expiresAt <= now { release(requestID: id.requestID, keyID: id.keyID) }
    }

    private static func seconds(_ d: Duration) -> TimeInterval {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
