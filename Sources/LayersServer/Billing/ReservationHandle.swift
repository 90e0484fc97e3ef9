import Foundation
import LayersCore
import LayersCredits
import Synchronization

/// The credit hold of one request, settled or released exactly once whatever happens (success, provider error,
/// client disconnect, a stream cut half way). The first of `settle`/`fail` wins; later calls do nothing.
///
/// Settlement runs in its own unstructured task so that a cancelled request (the client went away) still
/// records what it used.
public final class ReservationHandle: Sendable {
    public let requestID: String
    public let userID: UserID
    public let isTest: Bool
    public let reserved: MicroCredits
    let ledger: any CreditLedger
    let usage: any UsageStore
    private let finished = Mutex(false)

    init(requestID: String, userID: UserID, isTest: Bool, reserved: MicroCredits, ledger: any CreditLedger,
         usage: any UsageStore) {
        self.requestID = requestID
        self.userID = userID
        self.isTest = isTest
        self.reserved = reserved
        self.ledger = ledger
        self.usage = usage
    }

    private func claim() -> Bool {
        finished.withLock { done in
            if done { return false }
            done = true
            return true
        }
    }

    /// Whether the request has been settled or released.
    public var isFinished: Bool { finished.withLock { $0 } }

    /// Charges `record.credits` (nothing for test keys), releases the hold and writes the usage row, in one
    /// ledger transaction. Returns nil when the request was already finished.
    @discardableResult
    public func settle(_ record: UsageRecord) async throws -> SettlementOutcome? {
        guard claim() else { return nil }
        let settlement = Settlement(usage: record, charge: isTest ? .zero : record.credits)
        let ledger = self.ledger
        return try await Task { try await ledger.settle(settlement) }.value
    }

    /// Releases the hold without charging and records the failed request's usage row (status and error code).
    public func fail(_ record: UsageRecord) async {
        guard claim() else { return }
        let ledger = self.ledger, usage = self.usage, requestID = self.requestID, isTest = self.isTest
        await Task {
            if !isTest {
                do { _ = try await ledger.release(requestID: requestID) } catch {
                    ServerLog.error("release of \(requestID) failed (the sweeper will expire it): \(error)")
                }
            }
            do { _ = try await usage.recordUsage(record) } catch {
                ServerLog.error("usage row of failed request \(requestID) not recorded: \(error)")
            }
        }.value
    }
}
