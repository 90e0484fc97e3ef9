import Foundation
import LayersCore
import LayersCredits

/// The in-memory accounts of a ``LeasedCreditLedger``: per user the lease this process holds and what is held
/// or charged against it, the holds by request id, recent settlements (for replays) and the pending flush.
/// A plain value, mutated only under the ledger's lock; no I/O.
struct LeaseBook {
    /// One user's lease as this process sees it. All amounts in micro-credits.
    struct UserLease {
        /// The holder's lease in the store, less what flushes have charged to it.
        var leased: Int64 = 0
        /// Holds of requests in flight.
        var held: Int64 = 0
        /// Charged by settlements not yet written (still part of `leased`).
        var unflushed: Int64 = 0
        /// The user's balance as last reported by the store (before `unflushed`).
        var balance: Int64 = 0
        var lastUsed = ContinuousClock.now
        /// Times the lease was grown since it was last given back: each growth asks for twice the one before
        /// (up to 64 times the first), so a busy user's lease soon lasts for many requests.
        var growths = 0

        /// What new holds may take.
        var free: Int64 { leased - held - unflushed }
    }

    struct Hold {
        var userID: UserID
        var amount: Int64
        var createdAt: Date
        var expiresAt: Date
    }


    enum HoldStep {
        case decided(ReservationOutcome)
        /// The lease is short by this much.
        case short(Int64)
    }

    enum SettleStep {
        /// `startFlush`: the first pending settlement, so the caller arms the flush timer.
        case settled(SettlementOutcome, startFlush: Bool)
        case short(Int64)
    }

    var users: [UserID: UserLease] = [:]
    var holds: [String: Hold] = [:]
    var settled: [String: (userID: UserID, outcome: SettlementOutcome, at: Date)] = [:]
    var settledOrder: [String] = []
    var settledHead = 0
    /// Holds released or expired recently (for `reservation(_:)`), bounded like `settled`.
    var closed: [String: Reservation] = [:]
    var closedOrder: [String] = []
    var pending: [LeasedSettlement] = []
    /// A timed flush is waiting to start.
    var flushArmed = false
    /// The one write in flight (writes never overlap, so batches form while one is being written).
    var writing: Task<Void, Never>?
    /// Settlements accepted so far, and how many of them have been written (read-your-writes waits on this).
    var acceptedCount = 0
    var writtenCount = 0
    var dropped = 0
    var flushes = 0
    var flushedSettlements = 0

    /// Places a hold from the lease, or says by how much the lease is short. Replays an existing hold or
    /// settlement of the same request id.
    mutating func hold(_ requestID: String, _ userID: UserID, _ amount: Int64, _ now: Date, _ expires: Date) throws
        -> HoldStep
    {
        if let existing = holds[requestID] {
            guard existing.userID == userID else { throw StoreError.requestIDConflict(requestID) }
            return .decided(.reserved(reservation(requestID, existing, state: .held), replayed: true))
        }
        if let done = settled[requestID] {
            guard done.userID == userID else { throw StoreError.requestIDConflict(requestID) }
            return .decided(.reserved(Reservation(requestID: requestID, userID: userID, amount: .zero, state: .settled,
                                                  createdAt: done.at, expiresAt: done.at), replayed: true))
        }
        var lease = users[userID] ?? UserLease()
        guard amount <= lease.free else { return .short(amount - lease.free) }
        lease.held += amount
        lease.lastUsed = .now
        users[userID] = lease
        let hold = Hold(userID: userID, amount: amount, createdAt: now, expiresAt: expires)
        holds[requestID] = hold
        return .decided(.reserved(reservation(requestID, hold, state: .held), replayed: false))
    }

    /// Takes a grant from the store into the user's lease.
    mutating func apply(_ grant: LeaseGrant, userID: UserID) {
        var lease = users[userID] ?? UserLease()
        lease.leased += grant.granted.rawValue
        if grant.granted > .zero { lease.growths += 1 }
        lease.balance = grant.balance.rawValue
        users[userID] = lease
    }

    /// Removes a hold, remembering it as `state` (released or expired); returns it.
    mutating func releaseHold(_ requestID: String, as state: Reservation.State = .released,
                              replayMemory: Int = 20_000) -> Hold? {
        guard let hold = holds.removeValue(forKey: requestID) else { return nil }
        users[hold.userID]?.held -= hold.amount
        closed[requestID] = reservation(requestID, hold, state: state)
        closedOrder.append(requestID)
        if closedOrder.count > max(1, replayMemory) {
            let drop = closedOrder.count - replayMemory
            for id in closedOrder.prefix(drop) { closed[id] = nil }
            closedOrder.removeFirst(drop)
        }
        return hold
    }

    /// Settles in memory: releases the hold, charges up to hold + free lease, queues the usage row. When the
    /// charge overruns that and `mayGrow`, says by how much instead (the caller grows the lease and retries).
    mutating func settle(_ settlement: Settlement, mayGrow: Bool, replayMemory: Int) throws -> SettleStep {
        let requestID = settlement.requestID, userID = settlement.userID
        if let done = settled[requestID] {
            guard done.userID == userID else { throw StoreError.requestIDConflict(requestID) }
            var outcome = done.outcome
            outcome.replayed = true
            outcome.balanceAfter = MicroCredits(rawValue: (users[userID].map { $0.balance - $0.unflushed }) ?? outcome.balanceAfter.rawValue)
            return .settled(outcome, startFlush: false)
        }
        if let hold = holds[requestID], hold.userID != userID { throw StoreError.requestIDConflict(requestID) }
        let charge = settlement.charge.rawValue
        let holdAmount = holds[requestID]?.amount ?? 0
        var lease = users[userID] ?? UserLease()
        let covered = max(0, lease.free + holdAmount)
        if charge > covered && mayGrow { return .short(charge - covered) }
        if holdAmount > 0 || holds[requestID] != nil {
            holds[requestID] = nil
            lease.held -= holdAmount
        }
        let charged = min(charge, covered)
        lease.unflushed += charged
        lease.lastUsed = .now
        if charged > 0 || users[userID] != nil { users[userID] = lease }
        var record = settlement.usage
        record.creditsCharged = MicroCredits(rawValue: charged)
        pending.append(LeasedSettlement(usage: record, uncollected: MicroCredits(rawValue: charge - charged),
                                        released: MicroCredits(rawValue: holdAmount)))
        let outcome = SettlementOutcome(
            requestID: requestID, charged: MicroCredits(rawValue: charged),
            uncollected: MicroCredits(rawValue: charge - charged), released: MicroCredits(rawValue: holdAmount),
            balanceAfter: MicroCredits(rawValue: lease.balance - lease.unflushed), replayed: false)
        remember(requestID, userID, outcome, replayMemory: replayMemory)
        acceptedCount += 1
        let startFlush = !flushArmed && writing == nil
        if startFlush { flushArmed = true }
        return .settled(outcome, startFlush: startFlush)
    }

    private mutating func remember(_ requestID: String, _ userID: UserID, _ outcome: SettlementOutcome,
                                   replayMemory: Int) {
        settled[requestID] = (userID, outcome, Date())
        settledOrder.append(requestID)
        while settledOrder.count - settledHead > replayMemory {
            settled[settledOrder[settledHead]] = nil
            settledHead += 1
        }
        if settledHead > 4096 && settledHead * 2 > settledOrder.count {
            settledOrder.removeFirst(settledHead)
            settledHead = 0
        }
    }

    /// Books a finished write: the charges leave `unflushed` and the lease (or, when the database refused the
    /// flush, are dropped). Returns the users whose lease had run out, with the uncollected amount.
    mutating func finishWrite(through count: Int, charges: [LeaseCharge], results: [LeaseFlushResult]?)
        -> [(UserID, Int64)]
    {
        writing = nil
        flushedSettlements += count - writtenCount
        writtenCount = count
        flushes += 1
        var shortfalls: [(UserID, Int64)] = []
        let byUser = Dictionary(uniqueKeysWithValues: (results ?? []).map { ($0.userID, $0) })
        for charge in charges {
            guard var lease = users[charge.userID] else { continue }
            lease.unflushed -= charge.amount.rawValue
            if let result = byUser[charge.userID] {
                lease.balance = result.balance.rawValue
                if result.replayed || result.fromLease == charge.amount {
                    lease.leased -= charge.amount.rawValue
                } else {
                    // The store's lease had expired meanwhile: take its figure from now on.
                    lease.leased = result.lease.rawValue + lease.unflushed
                    if result.shortfall > .zero { shortfalls.append((charge.userID, result.shortfall.rawValue)) }
                }
            } else {
                dropped += charge.requests
            }
            users[charge.userID] = lease
        }
        return shortfalls
    }

    /// Upkeep: releases holds expired at `now`; returns how many, the users idle since before `idleBefore`
    /// (to give their lease back) and the other users holding a lease (to renew).
    mutating func upkeep(now: Date, idleBefore: ContinuousClock.Instant) -> (Int, [UserID], [UserID]) {
        let expired = holds.filter { $0.value.expiresAt <= now }.map(\.key)
        for requestID in expired { _ = releaseHold(requestID, as: .expired) }
        var idle: [UserID] = [], active: [UserID] = []
        for (user, lease) in users where lease.leased > 0 {
            if lease.held == 0 && lease.unflushed == 0 && lease.lastUsed < idleBefore {
                idle.append(user)
            } else {
                active.append(user)
            }
        }
        return (expired.count, idle, active)
    }

    /// A hold or recent settlement of this process, as a `Reservation`.
    func reservation(_ requestID: String) -> Reservation? {
        if let hold = holds[requestID] { return reservation(requestID, hold, state: .held) }
        if let done = closed[requestID] { return done }
        if let done = settled[requestID] {
            return Reservation(requestID: requestID, userID: done.userID, amount: done.outcome.released,
                               state: .settled, createdAt: done.at, expiresAt: done.at)
        }
        return nil
    }

    private func reservation(_ requestID: String, _ hold: Hold, state: Reservation.State) -> Reservation {
        Reservation(requestID: requestID, userID: hold.userID, amount: MicroCredits(rawValue: hold.amount),
                    state: state, createdAt: hold.createdAt, expiresAt: hold.expiresAt)
    }
}

extension LeaseBook {
    /// How much to ask for when `userID`'s lease is short by `need` for a hold of `amount`:
    /// `amount × multiple × 2^growths` (growths capped at 6), at least `need`.
    func leaseRequest(userID: UserID, need: Int64, amount: Int64, multiple: Int64) -> Int64 {
        let growths = min(users[userID]?.growths ?? 0, 6)
        let base = LeasedCreditLedger.saturatingMultiply(amount, multiple)
        return max(need, LeasedCreditLedger.saturatingMultiply(base, Int64(1) << growths))
    }
}
