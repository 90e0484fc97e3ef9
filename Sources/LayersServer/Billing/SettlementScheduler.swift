import LayersCore
import Synchronization

/// Runs settlements off the response path and keeps track of them, so that:
/// - a response is not held up by the ledger transaction (the hold placed by the reservation already protects
///   the balance; the settlement only finalises it);
/// - the caller's next balance or usage read waits for their own pending settlements (read-your-writes within
///   one gateway process);
/// - shutdown waits for every pending settlement (`drainAll`), so a graceful stop loses none. A `kill -9` can
///   lose at most the settlements still pending (in-flight requests); their holds expire and are released by
///   the sweeper, uncharged.
///
/// In `synchronous` mode (tests, or `LAYERS_SETTLEMENT=sync`) `schedule` runs the work before returning.
public final class SettlementScheduler: Sendable {
    public enum Mode: String, Sendable { case background, synchronous }

    public let mode: Mode
    private struct State {
        var pending: [UserID: [Int: Task<Void, Never>]] = [:]
        var nextID = 0
    }
    private let state = Mutex(State())

    public init(mode: Mode) { self.mode = mode }

    /// Runs `work` for `userID`, in the background or at once depending on the mode. Cancellation of the
    /// calling task (a client that went away) never cancels the settlement.
    public func schedule(userID: UserID, _ work: @escaping @Sendable () async -> Void) async {
        if mode == .synchronous {
            await Task { await work() }.value
            return
        }
        // The task is registered under the lock before it can finish (its `finished` call takes the same lock).
        state.withLock { s in
            s.nextID += 1
            let id = s.nextID
            s.pending[userID, default: [:]][id] = Task {
                await work()
                self.finished(userID: userID, id: id)
            }
        }
    }

    private func finished(userID: UserID, id: Int) {
        state.withLock { s in
            s.pending[userID]?[id] = nil
            if s.pending[userID]?.isEmpty == true { s.pending[userID] = nil }
        }
    }

    /// Waits for the pending settlements of one user.
    public func drain(userID: UserID) async {
        let tasks = state.withLock { Array(($0.pending[userID] ?? [:]).values) }
        for t in tasks { await t.value }
    }

    /// Waits for every pending settlement.
    public func drainAll() async {
        while true {
            let tasks = state.withLock { $0.pending.values.flatMap(\.values) }
            if tasks.isEmpty { return }
            for t in tasks { await t.value }
        }
    }

    /// Settlements still pending (for tests and the health document).
    public var pendingCount: Int { state.withLock { $0.pending.values.reduce(0) { $0 + $1.count } } }
}
