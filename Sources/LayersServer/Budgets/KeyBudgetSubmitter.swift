import LayersCore
import LayersCredits

/// The settlement hook of key budgets: passes each settlement on, then tells the ``KeyBudgetTracker`` what was
/// charged (or, if the settlement failed, that the request's hold is gone). A settlement queued during a database
/// outage counts its requested charge, which it will apply later.
struct KeyBudgetSubmitter: SettlementSubmitter {
    let base: any SettlementSubmitter
    let budgets: KeyBudgetTracker

    nonisolated(nonsending) func submit(_ settlement: Settlement) async throws -> MicroCredits? {
        guard let key = settlement.usage.apiKeyID, budgets.isTracking(key) else {
            return try await base.submit(settlement)   // no budget: nothing to count, no hop to the tracker
        }
        let charged: MicroCredits?
        do {
            charged = try await base.submit(settlement)
        } catch {
            await budgets.release(requestID: settlement.requestID, keyID: key)
            throw error
        }
        await budgets.settled(requestID: settlement.requestID, keyID: settlement.usage.apiKeyID,
                              amount: charged ?? settlement.charge, at: settlement.usage.createdAt)
        return charged
    }
}
