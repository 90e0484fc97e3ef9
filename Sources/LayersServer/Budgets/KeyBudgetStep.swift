import LayersCore
import LayersCredits
import LayersHTTP
import LayersModels

/// Refuses a request, before any credits are held, when its key has a monthly budget and the key's spend this
/// month (UTC) plus the request's estimate would exceed it: 402 `key_budget_exceeded` stating the budget, the
/// spend and the estimate (never the key), with a usage row recording the refusal. Placed right before the
/// reserve step, with the same estimate. Keys without a budget and test keys pass straight through.
///
/// An admitted request holds its estimate in the ``KeyBudgetTracker`` until its charge is settled; a request
/// that fails on the way releases it here.
struct KeyBudgetStep: PipelineStep {
    let services: GatewayServices
    /// The request's estimate (with its margin), as the reserve step computes it; nil defers to the reserve step
    /// (e.g. over the per-request cap, which it refuses with 400).
    let estimate: @Sendable (RequestContext, ModelInfo) throws -> MicroCredits?

    nonisolated(nonsending) func handle(_ context: RequestContext, next: PipelineNext) async throws -> HTTPResponse {
        let principal = try context.requirePrincipal()
        guard principal.key.monthlyBudget != nil, !principal.isTest, let model = context.model,
              let amount = try? estimate(context, model) else {
            return try await next(context)
        }
        let budgets = services.keyBudgets
        let decision = try await budgets.admit(key: principal.key, requestID: context.billingID, estimate: amount)
        if case .exceeded(let limit, let spent, let required) = decision {
            await recordRefusal(context, principal: principal, model: model)
            throw LayersError.keyBudgetExceeded(budget: limit, spent: spent, required: required)
        }
        do {
            return try await next(context)
        } catch {
            await budgets.release(requestID: context.billingID, keyID: principal.key.id)
            throw error
        }
    }

    private func recordRefusal(_ context: RequestContext, principal: Principal, model: ModelInfo) async {
        let builder = UsageRecordBuilder(context: context, principal: principal, model: model,
                                         isStream: context.body?["stream"]?.boolValue ?? false)
        do {
            _ = try await services.stores.usage.recordUsage(
                builder.failure(status: 402, code: "key_budget_exceeded", latencyMs: context.elapsedMilliseconds))
        } catch {
            ServerLog.error("usage row of refused request \(context.requestID) not recorded: \(error)")
        }
    }
}

extension KeyBudgetStep {
    /// For chat and Anthropic messages: the estimate ``ReserveStep`` holds (prompt bytes / 4 tokens in, the asked
    /// or default output out, at the model's prices and the request's margin); nil above the per-request cap.
    static func chat(services: GatewayServices) -> KeyBudgetStep {
        let cap = MicroCredits(rawValue: services.configuration.maxMicroCreditsPerRequest)
        return KeyBudgetStep(services: services) { context, model in
            let body = context.body
            let maxOutput = (body?["max_completion_tokens"] ?? body?["max_tokens"])?.intValue
            let decision = CreditEstimator(maxCreditsPerRequest: cap).preflight(
                promptBytes: context.request.body.count, maxOutputTokens: maxOutput, pricing: model.pricing,
                defaultMaxOutputTokens: model.maxOutputTokens, margin: context.margin)
            if case .exceedsCap = decision { return nil }
            return decision.estimate
        }
    }

    /// For endpoints whose reserve step takes an estimate closure (images, embeddings): the same closure; nil
    /// above the per-request cap.
    static func media(services: GatewayServices,
                      estimate: @escaping @Sendable (RequestContext, ModelInfo) throws -> MicroCredits) -> KeyBudgetStep {
        let cap = MicroCredits(rawValue: services.configuration.maxMicroCreditsPerRequest)
        return KeyBudgetStep(services: services) { context, model in
            let amount = try estimate(context, model)
            return amount > cap ? nil : amount
        }
    }
}
