import Foundation
import LayersCore

/// Makes settlements survive short database outages.
///
/// `submit` settles at once when it can. When the database is unreachable (`StoreError.unavailable`), the
/// settlement is kept in memory (bounded by `capacity`), optionally appended to a `SettlementJournal`, and
/// retried in the background with exponential backoff until it succeeds. Settlements are idempotent by
/// request id, so a retry after a lost acknowledgement never charges twice.
///
/// Durability: `drain(timeout:)` on graceful shutdown flushes the queue. Without a journal, a kill -9 during
/// an outage loses the queued settlements (requests that finished while the database was down) plus the
/// in-flight ones; with a journal, only the in-flight requests (not yet submitted) are lost, and their holds
/// are released by the reservation sweeper when they expire.
public actor SettlementQueue {
    /// What happened to a submitted settlement.
    public enum Submission: Sendable, Equatable {
        case settled(SettlementOutcome)
        /// The database was unreachable; the settlement is queued and will be retried.
        case queued
    }

    public enum QueueError: Error, Sendable, Equatable {
        /// `capacity` settlements are already waiting.
        case full
    }

    private let ledger: any CreditLedger
    private let capacity: Int
    private let journal: SettlementJournal?
    private let retryBase: Duration
    private let retryMax: Duration
    private let onDrop: (@Sendable (Settlement, any Error) -> Void)?

    private var pending: [String: Settlement] = [:]
    private var order: [String] = []
    private var retryTask: Task<Void, Never>?
    /// Settlements dropped because the database rejected them permanently (e.g. unknown user).
    public private(set) var droppedCount = 0
    /// Settlements that succeeded after having been queued.
    public private(set) var retriedCount = 0

    /// - Parameters:
    ///   - ledger: where settlements go.
    ///   - capacity: maximum queued settlements (memory bound).
    ///   - journal: optional crash-safe copy of the queue.
    ///   - onDrop: called for a queued settlement the database rejects permanently (log it).
    public init(ledger: any CreditLedger, capacity: Int = 100_000, journal: SettlementJournal? = nil,
                retryBase: Duration = .milliseconds(100), retryMax: Duration = .seconds(5),
                onDrop: (@Sendable (Settlement, any Error) -> Void)? = nil) {
        self.ledger = ledger
        self.capacity = capacity
        self.journal = journal
        self.retryBase = retryBase
        self.retryMax = retryMax
        self.onDrop = onDrop
    }

    /// Queued settlements.
    public var pendingCount: Int { pending.count }

    /// Settles now, or queues on a transient failure. Throws permanent errors (`StoreError`) and
    /// `QueueError.full`.
    public func submit(_ settlement: Settlement) async throws -> Submission {
        if pending[settlement.requestID] == nil {
            do {
                return .settled(try await ledger.settle(settlement))
            } catch let error where Self.isTransient(error) {
                // fall through to queueing
            }
        }
        try enqueue(settlement)
        return .queued
    }

    /// Loads the journal left by a previous process and queues its settlements. Returns how many.
    public func recoverJournal() throws -> Int {
        guard let journal else { return 0 }
        let saved = try journal.readAll()
        for settlement in saved where pending[settlement.requestID] == nil {
            pending[settlement.requestID] = settlement
            order.append(settlement.requestID)
        }
        startRetrying()
        return saved.count
    }

    /// Retries until the queue is empty or `timeout` passes; returns how many remain (kept in the journal,
    /// if there is one, for the next start).
    public func drain(timeout: Duration) async -> Int {
        let deadline = ContinuousClock.now + timeout
        var delay = retryBase
        while !pending.isEmpty && ContinuousClock.now < deadline {
            if await retryPass() { continue }
            try? await Task.sleep(for: min(delay, deadline - ContinuousClock.now))
            delay = min(delay * 2, retryMax)
        }
        return pending.count
    }

    private func enqueue(_ settlement: Settlement) throws {
        if pending[settlement.requestID] == nil {
            guard pending.count < capacity else { throw QueueError.full }
            try journal?.append(settlement)
            pending[settlement.requestID] = settlement
            order.append(settlement.requestID)
        }
        startRetrying()
    }

    private func startRetrying() {
        guard retryTask == nil, !pending.isEmpty else { return }
        retryTask = Task { [weak self] in
            await self?.retryLoop()
        }
    }

    private func retryLoop() async {
        var delay = retryBase
        while !pending.isEmpty && !Task.isCancelled {
            if await retryPass() {
                delay = retryBase
                continue
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, retryMax)
        }
        retryTask = nil
    }

    /// Tries every queued settlement once, oldest first. Returns true when the queue emptied.
    private func retryPass() async -> Bool {
        for requestID in order {
            guard let settlement = pending[requestID] else { continue }
            do {
                _ = try await ledger.settle(settlement)
                retriedCount += 1
                remove(requestID)
            } catch let error where Self.isTransient(error) {
                return false
            } catch {
                droppedCount += 1
                remove(requestID)
                onDrop?(settlement, error)
            }
        }
        order.removeAll { pending[$0] == nil }
        if pending.isEmpty { try? journal?.clear() }
        return pending.isEmpty
    }

    private func remove(_ requestID: String) {
        pending[requestID] = nil
    }

    static func isTransient(_ error: any Error) -> Bool {
        if case StoreError.unavailable = error { return true }
        if let error = error as? PostgresError { return error.isTransient }
        return false
    }
}
