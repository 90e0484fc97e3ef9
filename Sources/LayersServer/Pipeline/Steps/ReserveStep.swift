import LayersCore
import LayersCredits
import LayersHTTP

/// Step 5: estimate the request's credits (prompt from the body size, output from `max_tokens` or the model's
/// default), refuse it above the per-request cap (400) and hold the estimate on the balance (402 when the
/// available balance is short). Test keys are estimated and capped the same way but hold nothing.
///
/// If anything later fails before the request is settled, the hold is released and a usage row records the
/// failure.
///
/// With `overlapProviderCall` (the chat pipeline) and `LAYERS_OVERLAP_RESERVATION` on, the hold is placed while the
/// pipeline goes on to call the provider, taking the ledger's round trip off the response path, when the owner's
/// available balance as last read (at most `LAYERS_KEY_CACHE_SECONDS` old) covers ``overlapCushion`` times the
/// estimate. The endpoint then calls ``ReservationHandle/confirm()`` before answering: if the ledger refused the
/// hold after all (the balance was spent elsewhere meanwhile), the provider call is cancelled and the answer is the
/// same 402. Callers close to their balance always get the hold first and never reach the provider.
public struct ReserveStep: PipelineStep {
    let services: GatewayServices
    var overlapProviderCall = false

    /// How many times the estimate the last-read available balance must cover for the overlap.
    static let overlapCushion: Int64 = 20

    func overlaps(_ principal: Principal, estimate: MicroCredits) -> Bool {
        guard overlapProviderCall, services.configuration.overlapReservation, estimate > .zero,
              !services.stores.ledger.settlesInMemory,   // a leased ledger holds in memory: nothing to overlap
              let available = principal.account.available else { return false }
        let (needed, overflow) = estimate.rawValue.multipliedReportingOverflow(by: Self.overlapCushion)
        return !overflow && available.rawValue >= needed
    }

    nonisolated(nonsending) public func handle(_ context: RequestContext, next: PipelineNext) async throws -> HTTPResponse {
        let principal = try context.requirePrincipal()
        guard let model = context.model, let body = context.body else { throw LayersError.internalError() }
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
        var pending: Task<ReservationOutcome, any Error>?
        if !principal.isTest {
            let ledger = services.stores.ledger, requestID = context.billingID, userID = principal.userID
            let ttl = Duration.seconds(services.configuration.reservationTTLSeconds)
            let reserve = { @Sendable in
                try await ledger.reserve(requestID: requestID, userID: userID, amount: estimate, ttl: ttl)
            }
            if overlaps(principal, estimate: estimate) {
                pending = Task { try await reserve() }
            } else if case .insufficient(let available, let required) = try await reserve() {
                await recordRefusal(context, status: 402, code: "insufficient_credits")
                throw LayersError.insufficientCredits(balance: available, required: required)
            }
        }
        var context = context
        let handle = ReservationHandle(
            requestID: context.billingID, userID: principal.userID, isTest: principal.isTest,
            reserved: principal.isTest ? .zero : estimate, ledger: services.stores.ledger, usage: services.stores.usage,
            scheduler: services.settlements, submitter: services.settlementSubmitter, pending: pending)
        context.reservation = handle
        do {
            return try await next(context)
        } catch {
            throw await release(handle, context: context, after: error)
        }
    }

    // The failure paths build their usage rows in their own functions, kept out of line: the builder and the
    // record (a principal, a model and dozens of fields) then live in a short frame of their own, not in the
    // async frame `handle` keeps for the whole request.

    /// Releases the hold after a failure further down and records the failed request's usage row.
    @inline(never)
    private func release(_ handle: ReservationHandle, context: RequestContext, after error: any Error) async
        -> LayersError
    {
        let failure = LayersError.from(error, requestID: context.requestID)
        if let builder = Self.usageBuilder(context) {
            await handle.fail(builder.failure(status: failure.status, code: failure.code,
                                              latencyMs: context.elapsedMilliseconds))
        }
        return failure
    }

    @inline(never)
    private func recordRefusal(_ context: RequestContext, status: Int, code: String) async {
        guard let builder = Self.usageBuilder(context) else { return }
        do {
            _ = try await services.stores.usage.recordUsage(
                builder.failure(status: status, code: code, latencyMs: context.elapsedMilliseconds))
        } catch {
            ServerLog.error("usage row of refused request \(context.requestID) not recorded: \(error)")
        }
    }

    /// The usage row builder for a context that has passed the checks at the top of ``handle(_:next:)``.
    static func usageBuilder(_ context: RequestContext) -> UsageRecordBuilder? {
        guard let principal = context.principal, let model = context.model else { return nil }
        return UsageRecordBuilder(context: context, principal: principal, model: model,
                                  isStream: context.body?["stream"]?.boolValue ?? false)
    }
}
