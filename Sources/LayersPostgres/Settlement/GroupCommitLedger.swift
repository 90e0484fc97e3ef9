import Foundation
import LayersCore
import LayersCredits

/// A `CreditLedger` over PostgreSQL whose `settle` uses group commit: settlements that arrive while earlier
/// ones are being written are gathered and written together by `PostgresStore.settleBatch`, in one
/// transaction (one WAL flush for the whole batch). Every other call goes straight to the store.
///
/// There is no timer: an idle ledger writes a lone settlement at once, so group commit adds no latency at low
/// load; under load, batches form by themselves while up to `maxInFlight` transactions are being committed.
/// Semantics are those of `PostgresStore.settle` (atomic, idempotent by request id); a caller's `settle`
/// returns only after its batch committed.
///
/// ```swift
/// let ledger = GroupCommitLedger(store: store)                 // or store.asStores(groupCommit: true)
/// let queue = SettlementQueue(ledger: ledger)                   // outage handling still applies
/// ```
public actor GroupCommitLedger: CreditLedger {
    public nonisolated let store: PostgresStore
    private let maxBatch: Int
    private let maxInFlight: Int
    private var waiting: [(Settlement, CheckedContinuation<SettlementOutcome, any Error>)] = []
    private var waitingHead = 0
    private var inFlight = 0
    /// Settlements waiting for a batch slot, and settlements in batches being written.
    public var waitingCount: Int { waiting.count - waitingHead }
    public private(set) var inFlightSettlements = 0
    /// Transactions committed so far, and the settlements they carried (their ratio is the mean batch size).
    public private(set) var batchCount = 0
    public private(set) var batchedSettlements = 0

    /// - Parameters:
    ///   - maxBatch: settlements per transaction at most.
    ///   - maxInFlight: batches being written at once (each holds one pooled connection).
    public init(store: PostgresStore, maxBatch: Int = 64, maxInFlight: Int = 2) {
        self.store = store
        self.maxBatch = max(1, maxBatch)
        self.maxInFlight = max(1, maxInFlight)
    }

    public func settle(_ settlement: Settlement) async throws -> SettlementOutcome {
        try await withCheckedThrowingContinuation { continuation in
            waiting.append((settlement, continuation))
            pump()
        }
    }

    private func pump() {
        while inFlight < maxInFlight && waitingHead < waiting.count {
            let end = min(waiting.count, waitingHead + maxBatch)
            let batch = Array(waiting[waitingHead..<end])
            waitingHead = end
            if waitingHead == waiting.count {
                waiting.removeAll(keepingCapacity: true)
                waitingHead = 0
            }
            inFlight += 1
            inFlightSettlements += batch.count
            Task { await self.flush(batch) }
        }
    }

    private func flush(_ batch: [(Settlement, CheckedContinuation<SettlementOutcome, any Error>)]) async {
        let results: [Result<SettlementOutcome, any Error>]
        do {
            results = try await store.settleBatch(batch.map(\.0))
        } catch {
            results = Array(repeating: .failure(error), count: batch.count)
        }
        for ((_, continuation), result) in zip(batch, results) { continuation.resume(with: result) }
        batchCount += 1
        batchedSettlements += batch.count
        inFlight -= 1
        inFlightSettlements -= batch.count
        pump()
    }

    public nonisolated func reserve(requestID: String, userID: UserID, amount: MicroCredits, ttl: Duration)
        async throws -> ReservationOutcome
    {
        try await store.reserve(requestID: requestID, userID: userID, amount: amount, ttl: ttl)
    }

    public nonisolated func release(requestID: String) async throws -> Bool {
        try await store.release(requestID: requestID)
    }

    public nonisolated func sweepExpiredReservations(now: Date) async throws -> Int {
        try await store.sweepExpiredReservations(now: now)
    }

    public nonisolated func reservation(requestID: String) async throws -> Reservation? {
        try await store.reservation(requestID: requestID)
    }

    public nonisolated func ledgerEntries(userID: UserID, limit: Int) async throws -> [LedgerEntry] {
        try await store.ledgerEntries(userID: userID, limit: limit)
    }
}
