import LayersCore
import LayersCredits
import LayersHTTP
import LayersModels

/// Holds a request's estimated credits before the provider is called, like ``ReserveStep`` but with an
/// estimate that suits the endpoint (per image, per embedded token). Refuses above the per-request cap (400)
/// and when the available balance is short (402); test keys hold nothing. If a later step fails, the hold is
/// released and a usage row records the failure.
struct MediaReserveStep: PipelineStep {
    let services: GatewayServices
    /// The estimate for this request (already with its margin).
    let estimate: @Sendable (RequestContext, ModelInfo) throws -> MicroCredits

    nonisolated(nonsending) func handle(_ context: RequestContext, next: PipelineNext) async throws -> HTTPResponse {
        let principal = try context.requirePrincipal()
        guard let model = context.model else { throw LayersError.internalError() }
        let builder = UsageRecordBuilder(context: context, principal: principal, model: model, isStream: false)
        let cap = MicroCredits(rawValue: services.configuration.maxMicroCreditsPerRequest)
        let amount = try estimate(context, model)
        if amount > cap { throw LayersError.costLimitExceeded(estimated: amount, limit: cap) }
        if !principal.isTest {
            let outcome = try await services.stores.ledger.reserve(
                requestID: context.billingID, userID: principal.userID, amount: amount,
                ttl: .seconds(services.configuration.reservationTTLSeconds))
            if case .insufficient(let available, let required) = outcome {
                do {
                    _ = try await services.stores.usage.recordUsage(
                        builder.failure(status: 402, code: "insufficient_credits", latencyMs: context.elapsedMilliseconds))
                } catch {
                    ServerLog.error("usage row of refused request \(context.requestID) not recorded: \(error)")
                }
                throw LayersError.insufficientCredits(balance: available, required: required)
            }
        }
        var context = context
        let handle = ReservationHandle(
            requestID: context.billingID, userID: principal.userID, isTest: principal.isTest,
            reserved: principal.isTest ? .zero : amount, ledger: services.stores.ledger, usage: services.stores.usage,
            scheduler: services.settlements, submitter: services.settlementSubmitter)
        context.reservation = handle
        do {
            return try await next(context)
        } catch {
            let failure = LayersError.from(error, requestID: context.requestID)
            await handle.fail(builder.failure(status: failure.status, code: failure.code,
                                              latencyMs: context.elapsedMilliseconds))
            throw failure
        }
    }
}

extension ReservationHandle {
    /// ``settleCharge(_:)`` (through the settlement scheduler, off the response path), zero when already finished.
    func settleChargeOrZero(_ record: UsageRecord) async -> MicroCredits {
        await settleCharge(record) ?? .zero
    }
}
