import Foundation
import LayersCore

/// Background upkeep for a running server: releases the holds of requests that died
/// (`sweepExpiredReservations`) every `sweepInterval`, and keeps monthly usage partitions created ahead.
public actor LedgerMaintenance {
    private let ledger: any CreditLedger
    private let pool: PostgresPool?
    private let sweepInterval: Duration
    private var task: Task<Void, Never>?
    /// Holds released so far.
    public private(set) var sweptCount = 0

    /// - Parameters:
    ///   - pool: when given, also runs `ensure_usage_partitions` about hourly.
    public init(ledger: any CreditLedger, pool: PostgresPool? = nil, sweepInterval: Duration = .seconds(30)) {
        self.ledger = ledger
        self.pool = pool
        self.sweepInterval = sweepInterval
    }

    public func start() {
        guard task == nil else { return }
        task = Task { [weak self] in await self?.loop() }
    }

    public func stop() {
        task?.cancel()
        task = nil
    }

    /// One round: sweep now, and ensure partitions.
    public func runOnce() async {
        if let n = try? await ledger.sweepExpiredReservations(now: Date()) { sweptCount += n }
        if let pool {
            _ = try? await pool.withConnection { conn in
                try conn.query("SELECT ensure_usage_partitions(now(), 3)").count
            }
        }
    }

    private func loop() async {
        while !Task.isCancelled {
            await runOnce()
            try? await Task.sleep(for: sweepInterval)
        }
    }
}
