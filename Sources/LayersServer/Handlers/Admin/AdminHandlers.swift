import Foundation
import LayersCore
import LayersCredits
import LayersHTTP

/// `/admin/*`, guarded by ``AdminAuthStep``: users, credits, tiers, margins, any key, any usage.
struct AdminHandlers: Sendable {
    let services: GatewayServices
    var operations: AccountOperations { AccountOperations(stores: services.stores, tiers: services.tiers) }

    private func userID(_ context: RequestContext) throws -> UserID {
        guard let id = UserID(context.request.pathParameters["id"] ?? "") else {
            throw LayersError.notFound(message: "No such user", code: "user_not_found")
        }
        return id
    }

    private func account(_ id: UserID) async throws -> CreditAccount {
        await services.settledWrites(of: id)
        guard var account = try await services.stores.accounts.creditAccount(userID: id) else {
            throw LayersError.notFound(message: "No user \(id)", code: "user_not_found")
        }
        account.reserved = account.reserved + services.stores.ledger.holdsOutsideStore(userID: id)
        return account
    }

    /// `POST /admin/users` `{"email","name","tier","credits"}`; add `"key": {"name","mode","project"}` to also
    /// create a key (its plaintext is in the answer, once).
    func createUser(_ context: RequestContext) async throws -> HTTPResponse {
        let body = try JSONBody(context.request)
        let (user, account) = try await operations.createUser(
            email: try body.string("email"), name: try body.string("name"), tier: try body.string("tier"),
            credits: try body.credits("credits"))
        guard case .object(var o) = RecordJSON.user(user, account: account) else { throw LayersError.internalError() }
        if let keySpec = body.object["key"]?.objectValue {
            let (key, record) = try await AccountHandlers.createKey(
                body: JSONBody(objectValue: keySpec), userID: user.id, operations: operations)
            guard case .object(var k) = RecordJSON.key(record) else { throw LayersError.internalError() }
            k["key"] = .string(key.plaintext)
            o["api_key"] = .object(k)
        }
        return .json(o, status: .created)
    }

    func listUsers(_ context: RequestContext) async throws -> HTTPResponse {
        let limit = try UsageReport.intParam(context.request, "limit", default: 100, range: 1...1000)
        let offset = try UsageReport.intParam(context.request, "offset", default: 0, range: 0...Int(Int32.max))
        let users = try await services.stores.accounts.listUsers(limit: limit, offset: offset)
        var out: [JSONValue] = []
        for u in users { out.append(RecordJSON.user(u, account: try await services.stores.accounts.creditAccount(userID: u.id))) }
        return .json(["users": .array(out)])
    }

    func getUser(_ context: RequestContext) async throws -> HTTPResponse {
        let id = try userID(context)
        guard let user = try await services.stores.accounts.user(id: id) else {
            throw LayersError.notFound(message: "No user \(id)", code: "user_not_found")
        }
        return .json(RecordJSON.user(user, account: try await account(id)))
    }

    /// `POST /admin/users/{id}/credits` `{"amount": "12.5", "reference": "stripe:in_123", "note": "..."}`.
    func addCredits(_ context: RequestContext) async throws -> HTTPResponse {
        let id = try userID(context)
        let body = try JSONBody(context.request)
        let change = try await operations.addCredits(
            userID: id, amount: try body.credits("amount", required: true)!, reference: try body.string("reference"),
            note: try body.string("note"))
        return .json(["applied": .bool(change.applied), "account": RecordJSON.account(change.account)])
    }

    /// `POST /admin/users/{id}/tier` `{"tier": "pro"}`.
    func setTier(_ context: RequestContext) async throws -> HTTPResponse {
        let id = try userID(context)
        let body = try JSONBody(context.request)
        let name = try body.string("tier", required: true)!
        guard let tier = services.tiers.tier(named: name) else {
            throw LayersError.invalidRequest(message: "Unknown tier '\(name)'", param: "tier")
        }
        _ = try await account(id)
        let updated = try await services.stores.accounts.setTier(userID: id, tier: tier.name,
                                                                 monthlyCredits: tier.monthlyCredits)
        services.authenticator.invalidate(userID: id)
        return .json(RecordJSON.account(updated))
    }

    /// `POST /admin/users/{id}/margin` `{"margin_percent": 40}` (null clears the override).
    func setUserMargin(_ context: RequestContext) async throws -> HTTPResponse {
        let id = try userID(context)
        let body = try JSONBody(context.request)
        guard let bps = try body.percentBps("margin_percent") else {
            throw LayersError.invalidRequest(message: "margin_percent is required (null clears it)",
                                             param: "margin_percent")
        }
        _ = try await account(id)
        let updated = try await services.stores.accounts.setMargin(userID: id, marginBps: bps)
        services.authenticator.invalidate(userID: id)
        return .json(RecordJSON.account(updated))
    }

    /// `POST /admin/models/margin` `{"model": "openai/gpt-4o", "margin_percent": 30}` (null removes it).
    func setModelMargin(_ context: RequestContext) async throws -> HTTPResponse {
        let body = try JSONBody(context.request)
        let id = try body.string("model", required: true)!
        guard let model = services.registry.model(id: id) else {
            throw LayersError.modelNotFound(model: id, suggestions: services.registry.suggestions(for: id))
        }
        guard let bps = try body.percentBps("margin_percent") else {
            throw LayersError.invalidRequest(message: "margin_percent is required (null removes it)",
                                             param: "margin_percent")
        }
        try await services.stores.accounts.setModelMargin(model: model.id, marginBps: bps)
        services.modelMargins.removeAll()
        let all = try await services.stores.accounts.modelMargins()
        return .json(["model_margins": .object(JSONObject(all.sorted { $0.key < $1.key }.map {
            ($0.key, JSONValue.decimal(DecimalText.format(Int64($0.value), scale: 2)))
        }))])
    }

    func listKeys(_ context: RequestContext) async throws -> HTTPResponse {
        let id = try userID(context)
        let keys = try await services.stores.keys.listKeys(userID: id)
        return .json(["keys": .array(try await KeyBudgetHandlers(services: services).keysJSON(keys, userID: id))])
    }

    func createKey(_ context: RequestContext) async throws -> HTTPResponse {
        let id = try userID(context)
        _ = try await account(id)
        let (key, record) = try await AccountHandlers.createKey(body: try JSONBody(context.request), userID: id,
                                                                operations: operations)
        return AccountHandlers.createdKeyResponse(key, record)
    }

    func revokeKey(_ context: RequestContext) async throws -> HTTPResponse {
        guard let id = APIKeyID(context.request.pathParameters["id"] ?? ""),
              let revoked = try await services.stores.keys.revokeKey(id: id, userID: nil) else {
            throw LayersError.notFound(message: "Key not found", code: "key_not_found")
        }
        return .json(["success": true, "key": RecordJSON.key(revoked)])
    }

    /// `POST /admin/keys/{id}/margin` `{"margin_percent": 25}` (null clears it): a key-level margin, which wins
    /// over the owner's and the model's margins.
    func setKeyMargin(_ context: RequestContext) async throws -> HTTPResponse {
        guard let id = APIKeyID(context.request.pathParameters["id"] ?? "") else {
            throw LayersError.notFound(message: "Key not found", code: "key_not_found")
        }
        let body = try JSONBody(context.request)
        guard let bps = try body.percentBps("margin_percent") else {
            throw LayersError.invalidRequest(message: "margin_percent is required (null clears it)",
                                             param: "margin_percent")
        }
        guard let updated = try await services.stores.keys.setKeyMargin(id: id, marginBps: bps) else {
            throw LayersError.notFound(message: "Key not found", code: "key_not_found")
        }
        services.authenticator.invalidate(userID: updated.userID)
        return .json(["success": true, "key": RecordJSON.key(updated)])
    }

    /// `GET /admin/usage?user=<id>&days=...` (all users when `user` is absent).
    func usage(_ context: RequestContext) async throws -> HTTPResponse {
        var user: UserID?
        if let text = context.request.queryValue("user") {
            guard let id = UserID(text) else {
                throw LayersError.invalidRequest(message: "user must be a user id (UUID)", param: "user")
            }
            user = id
        }
        await services.settledWrites(of: user)
        return .json(try await UsageReport(usage: services.stores.usage).build(context.request, userID: user))
    }
}

extension JSONBody {
    init(objectValue: JSONObject) { self.object = objectValue }
}
