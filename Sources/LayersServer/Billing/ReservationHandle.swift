import Foundation
import LayersCore
import LayersCredits
import Synchronization

/// The credit hold of one request, settled or released exactly once whatever happens (success, provider error,
/// client disconnect, a stream cut half way). The first of `settle`/`fail` wins; later calls do nothing.
///
/// Settlement runs through the ``SettlementScheduler`` in its own unstructured task, so a cancelled request
/// (the client went away) still records what it used, and the response does not wait for the ledger.
public final class ReservationHandle: Sendable {
    public let requestID: String
    public let userID: UserID
    public let isTest: Bool
    public let reserved: MicroCredits
    let ledger: any CreditLedger
    let usage: any UsageStore
    let scheduler: SettlementScheduler
    let submitter: (any SettlementSubmitter)?
    /// The hold still being placed while the provider is already called (``ReserveStep`` overlapping them), or
    /// nil when it was placed before the pipeline went on.
    let pending: Task<ReservationOutcome, any Error>?
    private let finished = Mutex(false)

    init(requestID: String, userID: UserID, isTest: Bool, reserved: MicroCredits, ledger: any CreditLedger,
         usage: any UsageStore, scheduler: SettlementScheduler = SettlementScheduler(mode: .synchronous),
         submitter: (any SettlementSubmitter)? = nil, pending: Task<ReservationOutcome, any Error>? = nil) {
        self.pending = pending
        self.scheduler = scheduler
        self.submitter = submitter
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

    /// Whether the hold is still being placed in the background (``confirm()`` has something to wait for).
    public var isHoldPending: Bool { pending != nil }

    /// Waits for a hold placed in the background; throws `insufficientCredits` (402) when the ledger refused it,
    /// or the store's error. Endpoints behind an overlapping ``ReserveStep`` call this before answering.
    nonisolated(nonsending) public func confirm() async throws {
        guard let pending else { return }
        if case .insufficient(let available, let required) = try await pending.value {
            throw LayersError.insufficientCredits(balance: available, required: required)
        }
    }

    /// Waits until a background hold is in place (or refused), so a settlement or release never overtakes it.
    private static func holdPlaced(_ pending: Task<ReservationOutcome, any Error>?) async {
        _ = try? await pending?.value
    }

    /// Charges `record.credits` (nothing for test keys), releases the hold and writes the usage row, in one
    /// ledger transaction, through the scheduler (in the background unless it is synchronous). A database that
    /// is briefly unreachable is retried. Returns the charge (the collected amount in synchronous mode), or nil
    /// when the request was already finished.
    @discardableResult
    nonisolated(nonsending) public func settleCharge(_ record: UsageRecord) async -> MicroCredits? {
        guard claim() else { return nil }
        let settlement = Settlement(usage: record, charge: isTest ? .zero : record.credits)
        let submitter = self.submitter ?? LedgerSubmitter(ledger: ledger)
        if ledger.settlesInMemory && pending == nil {
            // A leased ledger settles in memory and writes in the background by itself: no task, no hand-off.
            do { return try await submitter.submit(settlement) ?? settlement.charge } catch {
                ServerLog.error("settlement of \(settlement.requestID) failed: \(error); its hold expires uncharged")
                return .zero
            }
        }
        let charged = ChargeBox(settlement.charge)
        let pending = self.pending
        await scheduler.schedule(userID: userID) {
            await Self.holdPlaced(pending)
            do {
                if let amount = try await submitter.submit(settlement) { charged.set(amount) }
            } catch {
                ServerLog.error("settlement of \(settlement.requestID) failed: \(error); its hold expires uncharged")
            }
        }
        return charged.get()
    }

    /// Settles at once, on the caller's path, and returns the ledger's outcome (nil when already finished).
    /// Prefer ``settleCharge(_:)``, which keeps the ledger off the response path.
    @discardableResult
    public func settle(_ record: UsageRecord) async throws -> SettlementOutcome? {
        guard claim() else { return nil }
        let settlement = Settlement(usage: record, charge: isTest ? .zero : record.credits)
        let ledger = self.ledger, pending = self.pending
        return try await Task {
            await Self.holdPlaced(pending)
            return try await ledger.settle(settlement)
        }.value
    }

    /// Releases the hold without charging and records the failed request's usage row (status and error code).
    public func fail(_ record: UsageRecord) async {
        guard claim() else { return }
        let ledger = self.ledger, usage = self.usage, requestID = self.requestID, isTest = self.isTest
        let pending = self.pending
        await scheduler.schedule(userID: userID) {
            await Self.holdPlaced(pending)
            if !isTest {
                do { _ = try await ledger.release(requestID: requestID) } catch {
                    ServerLog.error("release of \(requestID) failed (the sweeper will expire it): \(error)")
                }
            }
            do { _ = try await usage.recordUsage(record) } catch {
                ServerLog.error("usage row of failed request \(requestID) not recorded: \(error)")
            }
        }
    }
}

/// The amount a settlement charged, written by the settlement task.
final class ChargeBox: Sendable {
    private let value: Mutex<MicroCredits>
    init(_ initial: MicroCredits) { value = Mutex(initial) }
    func set(_ v: MicroCredits) { value.withLock { $0 = v } }
    func get() -> MicroCredits { value.withLock { $0 } }
}
