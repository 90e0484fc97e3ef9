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
    private var holds: [(PostgresStore.ReserveRequest, CheckedContinuation<ReservationOutcome, any Error>)] = []
    private var holdsHead = 0
    private var holdsInFlight = 0
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
        if inFlight < maxInFlight && waitingHead == waiting.count {
            // A free slot and nobody waiting: write it from here (no batch task, no continuation to resume).
            inFlight += 1
            inFlightSettlements += 1
            defer {
                batchCount += 1
                batchedSettlements += 1
                inFlight -= 1
                inFlightSettlements -= 1
                pump()
            }
            return try await store.settleBatch([settlement])[0].get()
        }
        return try await withCheckedThrowingContinuation { continuation in
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

    /// Holds go through the same kind of group commit as settlements (their own queue and `maxInFlight`
    /// budget): a lone hold is placed at once, holds arriving while earlier ones are being written are placed
    /// together by `PostgresStore.reserveBatch`.
    public func reserve(requestID: String, userID: UserID, amount: MicroCredits, ttl: Duration)
        async throws -> ReservationOutcome
    {
        if holdsInFlight < maxInFlight && holdsHead == holds.count {
            // A free slot and nobody waiting: place it directly (no batch task, no continuation).
            holdsInFlight += 1
            defer {
                holdsInFlight -= 1
                pumpHolds()
            }
            return try await store.reserve(requestID: requestID, userID: userID, amount: amount, ttl: ttl)
        }
        let request = PostgresStore.ReserveRequest(requestID: requestID, userID: userID, amount: amount, ttl: ttl)
        return try await withCheckedThrowingContinuation { continuation in
            holds.append((request, continuation))
            pumpHolds()
        }
    }

    /// Holds waiting for a slot.
    public var waitingHolds: Int { holds.count - holdsHead }
    /// Hold batches committed so far, and the holds they carried (a hold placed directly is in neither).
    public private(set) var holdBatchCount = 0
    public private(set) var batchedHolds = 0

    private func pumpHolds() {
        while holdsInFlight < maxInFlight && holdsHead < holds.count {
            let end = min(holds.count, holdsHead + maxBatch)
            let batch = Array(holds[holdsHead..<end])
            holdsHead = end
            if holdsHead == holds.count {
                holds.removeAll(keepingCapacity: true)
                holdsHead = 0
            }
            holdsInFlight += 1
            Task { await self.flushHolds(batch) }
        }
    }

    private func flushHolds(_ batch: [(PostgresStore.ReserveRequest,
                                       CheckedContinuation<ReservationOutcome, any Error>)]) async {
        let results: [Result<ReservationOutcome, any Error>]
        do {
            results = try await store.reserveBatch(batch.map(\.0))
        } catch {
            results = Array(repeating: .failure(error), count: batch.count)
        }
        for ((_, continuation), result) in zip(batch, results) { continuation.resume(with: result) }
        holdBatchCount += 1
        batchedHolds += batch.count
        holdsInFlight -= 1
        pumpHolds()
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
