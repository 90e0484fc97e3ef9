import Foundation
import LayersCore
import LayersCredits
import LayersHTTP

/// Setting and showing key budgets: `POST /api/keys/{id}/budget` (the key's owner) and
/// `POST /admin/keys/{id}/budget` (any key), body `{"monthly_budget": "25.5"}` in credits (a decimal string or a
/// JSON number, at most 6 decimals; null removes the budget). Key listings show each key's budget and its spend
/// this month through ``keysJSON(_:userID:)``.
struct KeyBudgetHandlers: Sendable {
    let services: GatewayServices

    /// `POST /api/keys/{id}/budget`: only the caller's own keys (404 `key_not_found` otherwise).
    func setOwnKeyBudget(_ context: RequestContext) async throws -> HTTPResponse {
        let principal = try context.requirePrincipal()
        return try await setBudget(context, owner: principal.userID)
    }

    /// `POST /admin/keys/{id}/budget`: any key.
    func setAnyKeyBudget(_ context: RequestContext) async throws -> HTTPResponse {
        try await setBudget(context, owner: nil)
    }

    private func setBudget(_ context: RequestContext, owner: UserID?) async throws -> HTTPResponse {
        guard let id = APIKeyID(context.request.pathParameters["id"] ?? "") else {
            throw LayersError.notFound(message: "Key not found", code: "key_not_found")
        }
        let budget = try Self.monthlyBudget(JSONBody(context.request))
        guard let updated = try await services.stores.keys.setKeyBudget(id: id, userID: owner,
                                                                        monthlyBudget: budget) else {
            throw LayersError.notFound(message: "Key not found", code: "key_not_found")
        }
        let key = try await keysJSON([updated], userID: updated.userID).first ?? RecordJSON.key(updated)
        return .json(["success": true, "key": key])
    }

    /// The `monthly_budget` member of a budget body: required, null clears.
    static func monthlyBudget(_ body: JSONBody) throws -> MicroCredits? {
        guard body.object["monthly_budget"] != nil else {
            throw LayersError.invalidRequest(message: "monthly_budget is required (credits; null removes the budget)",
                                             param: "monthly_budget")
        }
        return try body.credits("monthly_budget")
    }

    /// Key records as JSON, each with `monthly_budget`, `month_spent` (credits charged to the key this calendar
    /// month, UTC, once settled) and `budget_remaining` (null without a budget). One usage query per call.
    func keysJSON(_ keys: [APIKeyRecord], userID: UserID) async throws -> [JSONValue] {
        await services.settledWrites(of: userID)
        let month = BudgetMonth(containing: Date())
        let groups = try await services.stores.usage.usageBreakdown(
            UsageQuery(userID: userID, from: month.start, to: month.end), by: .apiKey)
        let spentByKey = Dictionary(groups.map { ($0.key, $0.totals.creditsCharged) }, uniquingKeysWith: { a, _ in a })
        var out: [JSONValue] = []
        for key in keys {
            let spent = spentByKey[key.id.description] ?? .zero
            if key.monthlyBudget != nil { await services.keyBudgets.observe(keyID: key.id, month: month, spent: spent) }
            guard case .object(var o) = RecordJSON.key(key) else { continue }
            o["month_spent"] = RecordJSON.credits(spent)
            o["budget_remaining"] = key.monthlyBudget.map {
                RecordJSON.credits(KeyBudget(limit: $0).remaining(spent: spent))
            } ?? .null
            out.append(.object(o))
        }
        return out
    }
}
