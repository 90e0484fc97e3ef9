import LayersCore
import LayersCredits
import LayersPostgres

/// Where a finished request's settlement goes. Returns the amount charged, or nil when the settlement was accepted
/// but not applied yet (queued during a database outage; it is applied later, idempotently).
public protocol SettlementSubmitter: Sendable {
    nonisolated(nonsending) func submit(_ settlement: Settlement) async throws -> MicroCredits?
}

/// Straight to the ledger, retrying a briefly unreachable database a few times (in-memory stores, tests).
public struct LedgerSubmitter: SettlementSubmitter {
    let ledger: any CreditLedger
    let attempts: Int

    public init(ledger: any CreditLedger, attempts: Int = 6) {
        self.ledger = ledger
        self.attempts = attempts
    }

    nonisolated(nonsending) public func submit(_ settlement: Settlement) async throws -> MicroCredits? {
        for attempt in 1...attempts {
            do {
                return try await ledger.settle(settlement).charged
            } catch StoreError.unavailable where attempt < attempts {
                try? await Task.sleep(for: .milliseconds(100 << attempt))
            }
        }
        return nil
    }
}

/// Through LayersPostgres' ``SettlementQueue``: settles at once, or keeps the settlement (in memory and in its
/// journal when one is configured) and retries it until PostgreSQL is back.
public struct QueueSubmitter: SettlementSubmitter {
    let queue: SettlementQueue

    public init(queue: SettlementQueue) { self.queue = queue }

    nonisolated(nonsending) public func submit(_ settlement: Settlement) async throws -> MicroCredits? {
        switch try await queue.submit(settlement) {
        case .settled(let outcome): return outcome.charged
        case .queued:
            ServerLog.warning("settlement of \(settlement.requestID) queued: database unreachable, will retry")
            return nil
        }
    }
}
