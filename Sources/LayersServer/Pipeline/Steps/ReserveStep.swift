import LayersCore
import LayersCredits
import LayersHTTP

/// Step 5: estimate the request's credits (prompt from the body size, output from `max_tokens` or the model's
/// default), refuse it above the per-request cap (400) and hold the estimate on the balance (402 when the
/// available balance is short). Test keys are estimated and capped the same way but hold nothing.
///
/// If anything later fails before the request is settled, the hold is released and a usage row records the
/// failure.
public struct ReserveStep: PipelineStep {
    let services: GatewayServices

    public func handle(_ context: RequestContext, next: PipelineNext) async throws -> HTTPResponse {
        let principal = try context.requirePrincipal()
        guard let model = context.model, let body = context.body else { throw LayersError.internalError() }
        let stream = body["stream"]?.boolValue ?? false
        let builder = UsageRecordBuilder(context: context, principal: principal, model: model, isStream: stream)
        let estimator = CreditEstimator(maxCreditsPerRequest: MicroCredits(
            rawValue: services.configuration.maxMicroCreditsPerRequest))
        let maxOutput = (body["max_completion_tokens"] ?? body["max_tokens"])?.intValue
        let decision = estimator.preflight(promptBytes: context.request.body.count, maxOutputTokens: maxOutput,
                                           pricing: model.pricing, defaultMaxOutputTokens: model.maxOutputTokens,
                                           margin: context.margin)
        if case .exceedsCap(let estimate, let cap) = decision {
            throw LayersError.costLimitExceeded(estimated: estimate, limit: cap)
        }
        let estimate = decision.estimate
        if !principal.isTest {
            let outcome = try await services.stores.ledger.reserve(
                requestID: context.requestID, userID: principal.userID, amount: estimate,
                ttl: .seconds(services.configuration.reservationTTLSeconds))
            if case .insufficient(let available, let required) = outcome {
                await recordRefusal(builder, status: 402, code: "insufficient_credits", context: context)
                throw LayersError.insufficientCredits(balance: available, required: required)
            }
        }
        var context = context
        let handle = ReservationHandle(
            requestID: context.requestID, userID: principal.userID, isTest: principal.isTest,
            reserved: principal.isTest ? .zero : estimate, ledger: services.stores.ledger, usage: services.stores.usage,
            scheduler: services.settlements, submitter: services.settlementSubmitter)
        context.reservation = handle
        do {
            let response = try await next(context)
            return response
        } catch {
            let failure = LayersError.from(error, requestID: context.requestID)
            await handle.fail(builder.failure(status: failure.status, code: failure.code,
                                              latencyMs: context.elapsedMilliseconds))
            throw failure
        }
    }

    private func recordRefusal(_ builder: UsageRecordBuilder, status: Int, code: String,
                               context: RequestContext) async {
        do {
            _ = try await services.stores.usage.recordUsage(
                builder.failure(status: status, code: code, latencyMs: context.elapsedMilliseconds))
        } catch {
            ServerLog.error("usage row of refused request \(context.requestID) not recorded: \(error)")
        }
    }
}
