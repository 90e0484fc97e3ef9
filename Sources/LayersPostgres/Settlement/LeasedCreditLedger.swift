import Foundation
import LayersCore
import LayersCredits
import Synchronization

/// A `CreditLedger` that places holds and settles requests in memory, against credit leases taken from the
/// store, and writes what requests used in bulk.
///
/// - **Leases.** The first request of a user takes a lease on part of the user's free balance
///   (`estimate × leaseMultiple`, doubling with each growth up to 64×, beyond the need at most half of what is
///   free). The lease counts as reserved in PostgreSQL, so no other
///   process, request or deduction can spend it. Holds for later requests come out of it without a round trip;
///   when it runs short it is grown (one round trip), and when the free balance cannot cover the shortfall the
///   request is refused with the credits this process and the database still have available (402).
/// - **Settlements.** A settlement releases its hold and charges the lease in memory (the overrun policy of
///   `CreditLedger`, with the lease and whatever the lease can still grow by as the free balance), then joins
///   the pending flush. `flushInterval` after the first pending settlement, one transaction (at most `maxBatch`
///   settlements; writes never overlap, so the next batch forms meanwhile) charges every user
///   of the batch out of their lease and inserts the batch's usage rows (`apply_lease_flush`), idempotent by
///   flush id, retried while the database is unreachable.
/// - **Upkeep** (``sweepExpiredReservations(now:)``, run by `LedgerMaintenance`): holds of requests that died
///   are released, leases of users idle for `idleReturn` are given back, the others renewed, and leases of
///   processes that died (not renewed for `leaseTTL`) are given back by the store.
///
/// Guarantees: the balance never goes negative and is never charged twice (each request id settles once in this
/// process; each flush applies once); a graceful stop (``close()``) writes every settlement and gives every lease
/// back. A `kill -9` loses the settlements of at most the last `flushInterval` (those requests are not charged)
/// and leaves the leases to expire after `leaseTTL`.
public final class LeasedCreditLedger: CreditLedger {
    /// Sizes and timings.
    public struct Policy: Sendable {
        /// A lease is grown by `estimate × leaseMultiple`, doubled at each growth up to 64 times (at least the
        /// shortfall; beyond it at most half the free balance).
        public var leaseMultiple: Int64
        /// Leases are kept for this long without renewal; a process that dies gives its leases back after it.
        public var leaseTTL: Duration
        /// A user without holds or pending settlements for this long has their lease given back.
        public var idleReturn: Duration
        /// How long settlements wait to be written together.
        public var flushInterval: Duration
        /// Settlements per flush at most.
        public var maxBatch: Int
        /// A flush starts before the interval is over once this many settlements are pending (and no write is in
        /// flight): under load the window a `kill -9` can lose is this many settlements, not the whole interval.
        public var flushThreshold: Int
        /// How many settled request ids are remembered to answer a repeated `settle` (a replay).
        public var replayMemory: Int

        public init(leaseMultiple: Int64 = 50, leaseTTL: Duration = .seconds(120), idleReturn: Duration = .seconds(30),
                    flushInterval: Duration = .milliseconds(10), maxBatch: Int = 512, flushThreshold: Int = 512,
                    replayMemory: Int = 20_000) {
            self.leaseMultiple = max(1, leaseMultiple)
            self.leaseTTL = leaseTTL
            self.idleReturn = idleReturn
            self.flushInterval = flushInterval
            self.maxBatch = max(1, maxBatch)
            self.flushThreshold = max(1, min(flushThreshold, self.maxBatch))
            self.replayMemory = max(1, replayMemory)
        }
    }

    /// This process's name on its leases.
    public let holder: String
    public let policy: Policy
    private let store: any CreditLeaseStore & CreditLedger
    private let log: @Sendable (String) -> Void
    private let state = Mutex(LeaseBook())

    /// - Parameters:
    ///   - holder: unique per process (default: host, pid and a random suffix).
    ///   - log: receives error reports (a flush the database refused, a lease that ran out).
    public init(store: any CreditLeaseStore & CreditLedger, holder: String = LeasedCreditLedger.processHolderName(),
                policy: Policy = Policy(), log: @escaping @Sendable (String) -> Void = LeasedCreditLedger.standardError) {
        self.store = store
        self.holder = holder
        self.policy = policy
        self.log = log
    }

    public static func processHolderName() -> String {
        let host = ProcessInfo.processInfo.hostName.prefix(40)
        return "\(host):\(getpid()):\(UUID().uuidString.prefix(8).lowercased())"
    }

    public static let standardError: @Sendable (String) -> Void = { message in
        FileHandle.standardError.write(Data("layers-ledger: \(message)\n".utf8))
    }

    public var settlesInMemory: Bool { true }

    // MARK: - Holds

    public func reserve(requestID: String, userID: UserID, amount: MicroCredits, ttl: Duration) async throws
        -> ReservationOutcome
    {
        guard !requestID.isEmpty else { throw StoreError.invalidArgument("empty request id") }
        guard amount >= .zero else { throw StoreError.invalidArgument("amount must be >= 0") }
        let now = Date()
        let expires = now.addingTimeInterval(Self.seconds(ttl))
        switch try state.withLock({ try $0.hold(requestID, userID, amount.rawValue, now, expires) }) {
        case .decided(let outcome):
            return outcome
        case .short(let need):
            let want = state.withLock {
                $0.leaseRequest(userID: userID, need: need, amount: amount.rawValue, multiple: policy.leaseMultiple)
            }
            let grant = try await store.acquireLease(
                holder: holder, userID: userID, need: MicroCredits(rawValue: need), want: MicroCredits(rawValue: want),
                ttl: policy.leaseTTL)
            return try state.withLock { book in
                book.apply(grant, userID: userID)
                if case .decided(let outcome) = try book.hold(requestID, userID, amount.rawValue, now, expires) {
                    return outcome
                }
                let free = book.users[userID]?.free ?? 0
                return .insufficient(available: MicroCredits(rawValue: free + max(0, (grant.balance - grant.reserved).rawValue)),
                                     required: amount)
            }
        }
    }

    public func release(requestID: String) async throws -> Bool {
        let memory = policy.replayMemory
        if state.withLock({ $0.releaseHold(requestID, replayMemory: memory) != nil }) { return true }
        if state.withLock({ $0.reservation(requestID) != nil }) { return false }   // settled or closed here
        return try await store.release(requestID: requestID)
    }

    public func reservation(requestID: String) async throws -> Reservation? {
        if let known = state.withLock({ $0.reservation(requestID) }) { return known }
        return try await store.reservation(requestID: requestID)
    }

    public func holdsOutsideStore(userID: UserID) -> MicroCredits {
        MicroCredits(rawValue: state.withLock { $0.users[userID]?.held ?? 0 })
    }

    // MARK: - Settlements

    public func settle(_ settlement: Settlement) async throws -> SettlementOutcome {
        guard !settlement.requestID.isEmpty else { throw StoreError.invalidArgument("empty request id") }
        guard settlement.charge >= .zero else { throw StoreError.invalidArgument("charge must be >= 0") }
        var mayGrow = true
        while true {
            let step = try state.withLock { book in
                let step = try book.settle(settlement, mayGrow: mayGrow, replayMemory: policy.replayMemory)
                if book.writing == nil && book.pending.count >= policy.flushThreshold { _ = startWrite(&book) }
                return step
            }
            switch step {
            case .settled(let outcome, let startFlush):
                if startFlush { startTimedFlush() }
                return outcome
            case .short(let need):
                // The charge overran the hold and the lease: grow the lease by the shortfall if the balance allows.
                mayGrow = false
                do {
                    // All of the shortfall if the free balance has it, else all of the free balance.
                    var want = MicroCredits(rawValue: need)
                    for _ in 0..<2 {
                        let grant = try await store.acquireLease(holder: holder, userID: settlement.userID,
                                                                 need: want, want: want, ttl: policy.leaseTTL)
                        state.withLock { $0.apply(grant, userID: settlement.userID) }
                        let free = grant.balance - grant.reserved
                        guard grant.granted == .zero, free > .zero, free < want else { break }
                        want = free
                    }
                } catch {
                    log("could not grow the lease of user \(settlement.userID) for an overrun of \(need) µcr: \(error)")
                }
            }
        }
    }

    /// Settlements accepted and not yet written.
    public var pendingCount: Int { state.withLock { $0.pending.count } }
    /// Flushes written so far, and the settlements they carried.
    public var flushCount: Int { state.withLock { $0.flushes } }
    public var flushedSettlements: Int { state.withLock { $0.flushedSettlements } }
    /// Settlements dropped because the database refused their flush (each is also reported through `log`).
    public var droppedCount: Int { state.withLock { $0.dropped } }

    /// Writes every settlement accepted before the call and waits until they are in the store.
    public func synchronize() async {
        let target = state.withLock { $0.acceptedCount }
        while true {
            let write: Task<Void, Never>? = state.withLock { book in
                if book.writtenCount >= target { return nil }
                return book.writing ?? startWrite(&book)
            }
            guard let write else { return }
            await write.value
        }
    }

    /// Graceful stop: writes everything, then gives every lease back.
    /// A user whose requests are all settled gives back the whole lease the store has, which also covers a grant
    /// whose answer was lost with its connection (the store has it, this process never learnt of it).
    public func close() async {
        await synchronize()
        let users = state.withLock { book in book.users.map { ($0.key, $0.value.held == 0 && $0.value.unflushed == 0) } }
        for (user, idle) in users {
            // A database that just restarted may fail the first attempt on a stale pooled connection.
            for attempt in 0..<3 where state.withLock({ $0.users[user] != nil }) {
                if attempt > 0 { try? await Task.sleep(for: .milliseconds(100 << attempt)) }
                await giveBack(user, all: idle)
                if !idle { break }
            }
        }
    }

    private func startTimedFlush() {
        let interval = policy.flushInterval
        Task {
            try? await Task.sleep(for: interval)
            state.withLock { book in
                book.flushArmed = false
                if book.writing == nil { _ = startWrite(&book) }
            }
        }
    }

    /// Starts writing the pending settlements (call under the lock, with no write in flight). When the write
    /// ends, the settlements that arrived meanwhile are written next, at once.
    private func startWrite(_ book: inout LeaseBook) -> Task<Void, Never>? {
        guard !book.pending.isEmpty else { return nil }
        let count = min(book.pending.count, policy.maxBatch)
        let batch = Array(book.pending.prefix(count))
        book.pending.removeFirst(count)
        let through = book.acceptedCount - book.pending.count
        let task = Task { await self.write(batch, through: through) }
        book.writing = task
        return task
    }

    private func write(_ batch: [LeasedSettlement], through: Int) async {
        var sums: [UserID: (amount: Int64, requests: Int)] = [:]
        for s in batch {
            sums[s.usage.userID, default: (0, 0)].amount += s.charged.rawValue
            sums[s.usage.userID]!.requests += 1
        }
        let charges = sums.map { LeaseCharge(userID: $0.key, amount: MicroCredits(rawValue: $0.value.amount),
                                             requests: $0.value.requests) }
            .sorted { UUID.byteOrderLess($0.userID.rawValue, $1.userID.rawValue) }
        let flushID = UUID()
        var delay = Duration.milliseconds(50)
        var results: [LeaseFlushResult]?
        while true {
            do {
                results = try await store.applyLeaseFlush(id: flushID, holder: holder, ttl: policy.leaseTTL,
                                                          charges: charges, settlements: batch)
                break
            } catch where SettlementQueue.isTransient(error) {
                if delay == .milliseconds(50) { log("database unreachable: \(batch.count) settlement(s) wait: \(error)") }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            } catch {
                log("the database refused a flush of \(batch.count) settlement(s); they are not charged: \(error)")
                break
            }
        }
        var armAfterWrite = false
        let shortfalls = state.withLock { book in
            let shortfalls = book.finishWrite(through: through, charges: charges, results: results)
            // What arrived meanwhile: at once when a full batch waits, else after the flush interval, so that
            // batches stay large (few transactions) whatever the write time.
            if book.pending.count >= policy.flushThreshold {
                _ = startWrite(&book)
            } else if !book.pending.isEmpty && !book.flushArmed {
                book.flushArmed = true
                armAfterWrite = true
            }
            return shortfalls
        }
        if armAfterWrite { startTimedFlush() }
        for (user, shortfall) in shortfalls {
            log("lease of user \(user) had run out: \(shortfall) µcr could not be collected")
        }
    }

    // MARK: - Upkeep

    /// Releases expired in-memory holds, gives back idle leases, renews the rest, then sweeps the store (holds
    /// of per-request ledgers, and leases of processes that died). Returns the holds released.
    public func sweepExpiredReservations(now: Date) async throws -> Int {
        let idleBefore = ContinuousClock.now - policy.idleReturn
        let (released, idle, active) = state.withLock { $0.upkeep(now: now, idleBefore: idleBefore) }
        for user in idle { await giveBack(user) }
        if !active.isEmpty {
            do { _ = try await store.renewLeases(holder: holder, userIDs: active, ttl: policy.leaseTTL) } catch {
                log("could not renew \(active.count) lease(s): \(error)")
            }
        }
        let swept = try await store.sweepExpiredReservations(now: now)
        _ = try await store.sweepExpiredLeases(now: now)
        return released + swept
    }

    /// Gives back the part of `user`'s lease that nothing holds or waits to charge.
    /// With `all` (at close, for a user with nothing held or pending), the store's whole lease.
    private func giveBack(_ user: UserID, all: Bool = false) async {
        let amount = state.withLock { book -> Int64 in
            guard var lease = book.users[user], lease.free > 0 || all else { return 0 }
            let free = lease.free
            lease.leased -= free          // taken out at once so no hold can use it meanwhile
            book.users[user] = lease
            return free
        }
        guard amount > 0 || all else { return }
        do {
            _ = try await store.returnLease(holder: holder, userID: user,
                                            amount: all ? nil : MicroCredits(rawValue: amount))
            state.withLock { book in
                if let lease = book.users[user], lease.leased == 0, lease.held == 0, lease.unflushed == 0 {
                    book.users[user] = nil
                }
            }
        } catch {
            state.withLock { $0.users[user]?.leased += amount }   // still ours; the next round tries again
            log("could not give back the lease of user \(user): \(error)")
        }
    }

    public func ledgerEntries(userID: UserID, limit: Int) async throws -> [LedgerEntry] {
        await synchronize()
        return try await store.ledgerEntries(userID: userID, limit: limit)
    }

    static func seconds(_ d: Duration) -> TimeInterval {
        let c = d.components
        return TimeInterval(c.seconds) + TimeInterval(c.attoseconds) / 1e18
    }

    static func saturatingMultiply(_ a: Int64, _ b: Int64) -> Int64 {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? .max : product
    }
}
