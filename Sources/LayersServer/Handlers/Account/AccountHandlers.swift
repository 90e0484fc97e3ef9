import Foundation
import LayersCore
import LayersCredits
import LayersHTTP

/// Endpoints for a key's owner: `GET /api/balance`, `GET /api/usage`, `GET/POST /api/keys`,
/// `DELETE /api/keys/{id}`. All run behind authentication and the rate limit.
struct AccountHandlers: Sendable {
    let services: GatewayServices
    var operations: AccountOperations { AccountOperations(stores: services.stores, tiers: services.tiers) }

    func balance(_ context: RequestContext) async throws -> HTTPResponse {
        let principal = try context.requirePrincipal()
        await services.settledWrites(of: principal.userID)
        guard var account = try await services.stores.accounts.creditAccount(userID: principal.userID) else {
            throw LayersError.authentication(.unknown)
        }
        account.reserved = account.reserved + services.stores.ledger.holdsOutsideStore(userID: principal.userID)
        guard case .object(var o) = RecordJSON.account(account) else { throw LayersError.internalError() }
        let policy = services.rateLimitPolicy(for: principal)
        o["rate_limit"] = ["requests_per_minute": .number(JSONNumber(policy.requestsPerMinute)),
                           "burst": .number(JSONNumber(policy.burst)), "tier": .string(principal.tier.name)]
        o["user_id"] = .string(principal.userID.description)
        return .json(o)
    }

    func usage(_ context: RequestContext) async throws -> HTTPResponse {
        let principal = try context.requirePrincipal()
        await services.settledWrites(of: principal.userID)
        let report = try await UsageReport(usage: services.stores.usage)
            .build(context.request, userID: principal.userID, includeTestByDefault: principal.isTest)
        return .json(report)
    }

    func listKeys(_ context: RequestContext) async throws -> HTTPResponse {
        let principal = try context.requirePrincipal()
        let keys = try await services.stores.keys.listKeys(userID: principal.userID)
        return .json(["keys": .array(try await KeyBudgetHandlers(services: services)
            .keysJSON(keys, userID: principal.userID))])
    }

    /// Body: `{"name": "...", "project": "...", "mode": "live"|"test", "expires_in_days": 30,
    /// "monthly_budget": "25"}`.
    /// The answer holds the plaintext `key`, shown this once.
    func createKey(_ context: RequestContext) async throws -> HTTPResponse {
        let principal = try context.requirePrincipal()
        let body = try JSONBody(context.request)
        let (key, record) = try await Self.createKey(body: body, userID: principal.userID, operations: operations)
        return Self.createdKeyResponse(key, record)
    }

    func deleteKey(_ context: RequestContext) async throws -> HTTPResponse {
        let principal = try context.requirePrincipal()
        guard let id = APIKeyID(context.request.pathParameters["id"] ?? "") else {
            throw LayersError.notFound(message: "Key not found", code: "key_not_found")
        }
        guard let revoked = try await services.stores.keys.revokeKey(id: id, userID: principal.userID) else {
            throw LayersError.notFound(message: "Key not found", code: "key_not_found")
        }
        return .json(["success": true, "key": RecordJSON.key(revoked)])
    }

    static func createKey(body: JSONBody, userID: UserID, operations: AccountOperations) async throws
        -> (APIKey, APIKeyRecord)
    {
        let name = try body.string("name") ?? "default"
        let project = try body.string("project")
        let modeText = try body.string("mode") ?? "live"
        guard let mode = APIKeyMode(rawValue: modeText) else {
            throw LayersError.invalidRequest(message: "mode must be live or test", param: "mode")
        }
        let days = try body.int("expires_in_days", range: 1...3650)
        let expires = days.map { Date().addingTimeInterval(Double($0) * 86_400) }
        return try await operations.createKey(userID: userID, name: name, mode: mode, project: project,
                                              expiresAt: expires, tierOverride: try body.string("tier"),
                                              monthlyBudget: try body.credits("monthly_budget"))
    }

    static func createdKeyResponse(_ key: APIKey, _ record: APIKeyRecord) -> HTTPResponse {
        guard case .object(var o) = RecordJSON.key(record) else { return .json(.null) }
        o["key"] = .string(key.plaintext)
        o["warning"] = "Store this key now: it is shown only once."
        return .json(o, status: .created)
    }
}
