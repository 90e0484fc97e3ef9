import Foundation
import LayersCore

/// Releases the holds of requests that died without settling (process killed, bug), every `interval`.
public struct ReservationSweeper: Sendable {
    let ledger: any CreditLedger
    let interval: Duration

    public init(ledger: any CreditLedger, interval: Duration = .seconds(60)) {
        self.ledger = ledger
        self.interval = interval
    }

    /// Runs until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            do {
                let released = try await ledger.sweepExpiredReservations(now: Date())
                if released > 0 { ServerLog.info("released \(released) expired credit reservation(s)") }
            } catch {
                ServerLog.warning("reservation sweep failed: \(error)")
            }
            try? await Task.sleep(for: interval)
        }
    }
}
