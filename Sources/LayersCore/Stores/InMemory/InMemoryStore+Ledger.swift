import Foundation
import LayersCredits

extension InMemoryStore {
    public func reserve(requestID: String, userID: UserID, amount: MicroCredits, ttl: Duration) async throws
        -> ReservationOutcome
    {
        guard !requestID.isEmpty else { throw StoreError.invalidArgument("empty request id") }
        guard amount >= .zero else { throw StoreError.invalidArgument("amount must be >= 0") }
        var account = try requireAccount(userID)
        if let existing = reservations[requestID] {
            guard existing.userID == userID else { throw StoreError.requestIDConflict(requestID) }
            return .reserved(existing, replayed: true)
        }
        let now = clock()
        if settlements[requestID] != nil {
            // Settled without a reservation: report it as such rather than holding credits nobody will release.
            let settled = Reservation(requestID: requestID, userID: userID, amount: .zero, state: .settled,
                                      createdAt: now, expiresAt: now)
            return .reserved(settled, replayed: true)
        }
        guard account.available >= amount else {
            return .insufficient(available: account.available, required: amount)
        }
        account.reserved = account.reserved + amount
        account.updatedAt = now
        accounts[userID] = account
        let reservation = Reservation(requestID: requestID, userID: userID, amount: amount, state: .held,
                                      createdAt: now, expiresAt: now.addingTimeInterval(ttl.storeSeconds))
        reservations[requestID] = reservation
        appendLedger(account, .reserve, amount, requestID: requestID)
        return .reserved(reservation, replayed: false)
    }

    public func settle(_ settlement: Settlement) async throws -> SettlementOutcome {
        let requestID = settlement.requestID
        let userID = settlement.userID
        guard !requestID.isEmpty else { throw StoreError.invalidArgument("empty request id") }
        guard settlement.charge >= .zero else { throw StoreError.invalidArgument("charge must be >= 0") }
        var account = try requireAccount(userID)
        if var previous = settlements[requestID] {
            if let index = usageIndexByRequest[requestID], usageRows[index].userID != userID {
                throw StoreError.requestIDConflict(requestID)
            }
            previous.replayed = true
            previous.balanceAfter = account.balance
            return previous
        }
        var hold = MicroCredits.zero
        if var reservation = reservations[requestID] {
            guard reservation.userID == userID else { throw StoreError.requestIDConflict(requestID) }
            if reservation.state == .held { hold = reservation.amount }
            reservation.state = .settled
            reservations[requestID] = reservation
        }
        let otherHolds = account.reserved - hold
        let free = max(.zero, account.balance - otherHolds)
        let charged = min(settlement.charge, free)
        account.reserved = account.reserved - hold
        if hold > .zero { appendLedger(account, .release, hold, requestID: requestID) }
        account.balance = account.balance - charged
        account.updatedAt = clock()
        accounts[userID] = account
        if charged > .zero { appendLedger(account, .charge, charged, requestID: requestID) }

        var row = settlement.usage
        row.creditsCharged = charged
        usageIndexByRequest[requestID] = usageRows.count
        usageRows.append(row)

        let outcome = SettlementOutcome(requestID: requestID, charged: charged,
                                        uncollected: settlement.charge - charged, released: hold,
                                        balanceAfter: account.balance, replayed: false)
        settlements[requestID] = outcome
        return outcome
    }

    public func release(requestID: String) async throws -> Bool {
        guard var reservation = reservations[requestID], reservation.state == .held else { return false }
        reservation.state = .released
        reservations[requestID] = reservation
        releaseHold(reservation, note: nil)
        return true
    }

    public func sweepExpiredReservations(now: Date) async throws -> Int {
        var count = 0
        for (requestID, var reservation) in reservations where reservation.state == .held
            && reservation.expiresAt <= now
        {
            reservation.state = .expired
            reservations[requestID] = reservation
            releaseHold(reservation, note: "expired")
            count += 1
        }
        return count
    }

    public func reservation(requestID: String) async throws -> Reservation? { reservations[requestID] }

    public func ledgerEntries(userID: UserID, limit: Int) async throws -> [LedgerEntry] {
        Array(ledger.reversed().lazy.filter { $0.userID == userID }.prefix(max(0, limit)))
    }

    private func releaseHold(_ reservation: Reservation, note: String?) {
        guard var account = accounts[reservation.userID] else { return }
        account.reserved = account.reserved - reservation.amount
        account.updatedAt = clock()
        accounts[reservation.userID] = account
        appendLedger(account, .release, reservation.amount, requestID: reservation.requestID, note: note)
    }
}
