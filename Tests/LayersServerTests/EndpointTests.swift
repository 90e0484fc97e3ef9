import Foundation
import LayersCore
import LayersCredits
import LayersHTTP
import XCTest
@testable import LayersServer

final class EndpointTests: XCTestCase {
    var admin: [(String, String)] { [("authorization", "Bearer \(TestGateway.adminToken)")] }

    func testModels() async throws {
        let gw = try await TestGateway.make()
        let list = await gw.send(.get, "/v1/models")
        XCTAssertEqual(list.status, 200)
        XCTAssertEqual(list.json["object"]?.stringValue, "list")
        let data = try XCTUnwrap(list.json["data"]?.arrayValue)
        XCTAssertGreaterThanOrEqual(data.count, 23)
        let one = await gw.send(.get, "/v1/models/anthropic/claude-sonnet-4.5")
        XCTAssertEqual(one.status, 200, one.body)
        XCTAssertEqual(one.json["id"]?.stringValue, "anthropic/claude-sonnet-4.5")
        XCTAssertEqual(one.json["object"]?.stringValue, "model")
        XCTAssertEqual(one.json["pricing"]?["input"]?.numberValue?.text, "3")
        XCTAssertEqual(one.json["owned_by"]?.stringValue, "anthropic")
        let v1 = await gw.send(.get, "/v1/models/anthropic/claude-sonet").status
        XCTAssertEqual(v1, 404)
        let chatOnly = await gw.send(.get, "/v1/models?kind=chat&capability=web")
        XCTAssertTrue(chatOnly.json["data"]?.arrayValue?.allSatisfy {
            $0["capabilities"]?.arrayValue?.contains("web") ?? false } ?? false)
    }

    func testHealthAndInfo() async throws {
        let gw = try await TestGateway.make()
        let health = await gw.send(.get, "/health")
        XCTAssertEqual(health.status, 200)
        XCTAssertEqual(health.json["database"]?["status"]?.stringValue, "ok")
        XCTAssertNotNil(health.headers["X-RateLimit-Limit"])
        let info = await gw.send(.get, "/api/v1/chat")
        XCTAssertEqual(info.status, 200)
        XCTAssertTrue(info.json["version"]?.stringValue?.hasPrefix("v") ?? false)
    }

    func testBalanceUsageAndKeys() async throws {
        let gw = try await TestGateway.make()
        _ = await gw.chat(#"{"model":"anthropic/claude-sonnet-4.5","messages":[{"role":"user","content":"Hi"}]}"#)
        let balance = await gw.send(.get, "/api/balance", key: gw.liveKey)
        XCTAssertEqual(balance.status, 200)
        XCTAssertEqual(balance.json["credits"]?.numberValue?.text, "96.64")
        XCTAssertEqual(balance.json["tier"]?.stringValue, "pro")

        let usage = await gw.send(.get, "/api/usage?days=7", key: gw.liveKey)
        XCTAssertEqual(usage.status, 200, usage.body)
        XCTAssertEqual(usage.json["total_requests"]?.intValue, 1)
        XCTAssertEqual(usage.json["total_credits_used"]?.numberValue?.text, "3.36")
        XCTAssertEqual(usage.json["by_model"]?[0]?["model"]?.stringValue, "anthropic/claude-sonnet-4.5")
        XCTAssertEqual(usage.json["recent_logs"]?.arrayValue?.count, 1)
        let v2 = await gw.send(.get, "/api/usage?days=abc", key: gw.liveKey).status
        XCTAssertEqual(v2, 400)

        let created = await gw.send(.post, "/api/keys", body: #"{"name":"ci","project":"beta","mode":"test"}"#, key: gw.liveKey)
        XCTAssertEqual(created.status, 201, created.body)
        let plaintext = try XCTUnwrap(created.json["key"]?.stringValue)
        XCTAssertTrue(plaintext.hasPrefix("lyr_test_"))
        let id = try XCTUnwrap(created.json["id"]?.stringValue)
        let list = await gw.send(.get, "/api/keys", key: gw.liveKey)
        XCTAssertEqual(list.json["keys"]?.arrayValue?.count, 3)
        XCTAssertFalse(list.body.contains(plaintext))
        let v3 = await gw.chat(#"{"model":"openai/gpt-4o","messages":[{"role":"user","content":"Hi"}]}"#, key: plaintext).status
        XCTAssertEqual(v3, 200)
        let v4 = await gw.send(.delete, "/api/keys/\(id)", key: gw.liveKey).status
        XCTAssertEqual(v4, 200)
        let v5 = await gw.send(.delete, "/api/keys/\(UUID().uuidString)", key: gw.liveKey).status
        XCTAssertEqual(v5, 404)
        let v6 = await gw.chat(#"{"model":"openai/gpt-4o","messages":[{"role":"user","content":"Hi"}]}"#, key: plaintext).errorCode
        XCTAssertEqual(v6, "revoked_api_key")
    }

    /// `x-layers-overhead-ms` and `X-RateLimit-*` on every answer, public, routed or refused (`x-request-id` is
    /// added by the HTTP server for every response; the e2e suite checks it over the wire).
    func testEveryResponseCarriesOverheadAndRateLimitHeaders() async throws {
        let gw = try await TestGateway.make()
        let chat = #"{"model":"openai/gpt-4o","messages":[{"role":"user","content":"Hi"}]}"#
        let cases: [(HTTPMethod, String, String?, String?, Int)] = [
            (.get, "/v1/models", nil, nil, 200),
            (.get, "/v1/models/openai/gpt-4o", nil, nil, 200),
            (.get, "/v1/models/openai/nope", nil, nil, 404),
            (.get, "/health", nil, nil, 200),
            (.get, "/api/v1/chat", nil, nil, 200),
            (.get, "/no/such/route", nil, nil, 404),
            (.put, "/v1/chat/completions", nil, nil, 405),
            (.post, "/v1/chat/completions", chat, nil, 401),
            (.post, "/v1/chat/completions", chat, gw.liveKey, 200),
            (.post, "/api/v1/chat", #"{"model":"openai/gpt-4o"}"#, gw.liveKey, 400),
            (.get, "/api/balance", nil, gw.liveKey, 200),
            (.get, "/admin/users", nil, nil, 403),
        ]
        for (method, path, body, key, status) in cases {
            let r = await gw.send(method, path, body: body, key: key)
            XCTAssertEqual(r.status, status, "\(method) \(path): \(r.body)")
            let overhead = try XCTUnwrap(r.headers["x-layers-overhead-ms"], "\(method) \(path)")
            XCTAssertNotNil(Double(overhead), overhead)
            XCTAssertNotNil(r.headers["X-RateLimit-Limit"], "\(method) \(path)")
            XCTAssertNotNil(r.headers["X-RateLimit-Remaining"], "\(method) \(path)")
            XCTAssertNotNil(r.headers["X-RateLimit-Reset"], "\(method) \(path)")
        }
    }

    /// One user's keys are invisible to another: listing shows only one's own, deleting another's is 404 and
    /// leaves it working.
    func testKeysAreScopedToTheirOwner() async throws {
        let gw = try await TestGateway.make()
        let ops = AccountOperations(stores: gw.services.stores)
        let (other, _) = try await ops.createUser(email: "other@example.com", name: nil, tier: "pro",
                                                  credits: MicroCredits(credits: 5))
        let (theirKey, theirRecord) = try await ops.createKey(userID: other.id, name: "theirs", mode: .test,
                                                              project: nil, expiresAt: nil)
        let mine = await gw.send(.get, "/api/keys", key: gw.liveKey)
        XCTAssertFalse(mine.body.contains(theirRecord.id.description))
        let delete = await gw.send(.delete, "/api/keys/\(theirRecord.id)", key: gw.liveKey)
        XCTAssertEqual(delete.status, 404)
        XCTAssertEqual(delete.errorCode, "key_not_found")
        let still = await gw.chat(#"{"model":"openai/gpt-4o","messages":[{"role":"user","content":"Hi"}]}"#,
                                  key: theirKey.plaintext)
        XCTAssertEqual(still.status, 200, still.body)
        let v1 = await gw.send(.delete, "/api/keys/not-a-uuid", key: gw.liveKey).status
        XCTAssertEqual(v1, 404)
        let balance = await gw.send(.get, "/api/balance", key: theirKey.plaintext)
        XCTAssertEqual(balance.json["credits"]?.numberValue?.text, "5")
        XCTAssertEqual(balance.json["user_id"]?.stringValue, other.id.description)
    }

    func testAdminFlow() async throws {
        let gw = try await TestGateway.make()
        let created = await gw.send(.post, "/admin/users",
                                    body: #"{"email":"new@example.com","tier":"starter","credits":"12.5","key":{"name":"k","mode":"live"}}"#,
                                    headers: admin)
        XCTAssertEqual(created.status, 201, created.body)
        let id = try XCTUnwrap(created.json["id"]?.stringValue)
        XCTAssertEqual(created.json["account"]?["credits"]?.numberValue?.text, "12.5")
        let key = try XCTUnwrap(created.json["api_key"]?["key"]?.stringValue)

        let added = await gw.send(.post, "/admin/users/\(id)/credits", body: #"{"amount":2.25,"reference":"inv_1"}"#, headers: admin)
        XCTAssertEqual(added.json["account"]?["credits"]?.numberValue?.text, "14.75")
        let replay = await gw.send(.post, "/admin/users/\(id)/credits", body: #"{"amount":2.25,"reference":"inv_1"}"#, headers: admin)
        XCTAssertEqual(replay.json["applied"]?.boolValue, false)
        let v7 = await gw.send(.post, "/admin/users/\(id)/tier", body: #"{"tier":"team"}"#, headers: admin).json["tier"]?.stringValue
        XCTAssertEqual(v7, "team")
        let v8 = await gw.send(.post, "/admin/users/\(id)/tier", body: #"{"tier":"gold"}"#, headers: admin).status
        XCTAssertEqual(v8, 400)
        let v9 = await gw.send(.post, "/admin/users/\(id)/margin", body: #"{"margin_percent":0}"#, headers: admin).status
        XCTAssertEqual(v9, 200)

        let r = await gw.chat(#"{"model":"anthropic/claude-sonnet-4.5","messages":[{"role":"user","content":"Hi"}],"max_tokens":1000}"#, key: key)
        XCTAssertEqual(r.status, 200, r.body)
        XCTAssertEqual(r.json["layers"]?["credits_used"]?.numberValue?.text, "2.1")
        XCTAssertEqual(r.json["layers"]?["cost_breakdown"]?["margin_percent"]?.numberValue?.text, "0")
        let v10 = await gw.send(.get, "/admin/usage?user=\(id)", headers: admin).json["total_requests"]?.intValue
        XCTAssertEqual(v10, 1)

        // A key-level margin wins over the user's (0%) and is cleared by null.
        let keyID = try XCTUnwrap(created.json["api_key"]?["id"]?.stringValue)
        let keyMargin = await gw.send(.post, "/admin/keys/\(keyID)/margin", body: #"{"margin_percent":100}"#,
                                      headers: admin)
        XCTAssertEqual(keyMargin.status, 200, keyMargin.body)
        XCTAssertEqual(keyMargin.json["key"]?["margin_percent"]?.numberValue?.text, "100")
        let doubled = await gw.chat(#"{"model":"anthropic/claude-sonnet-4.5","messages":[{"role":"user","content":"Hi"}],"max_tokens":1000}"#, key: key)
        XCTAssertEqual(doubled.json["layers"]?["credits_used"]?.numberValue?.text, "4.2", doubled.body)
        XCTAssertEqual(doubled.json["layers"]?["cost_breakdown"]?["margin_percent"]?.numberValue?.text, "100")
        let clearedKey = await gw.send(.post, "/admin/keys/\(keyID)/margin", body: #"{"margin_percent":null}"#,
                                       headers: admin)
        XCTAssertEqual(clearedKey.json["key"]?["margin_percent"], .null)
        let back = await gw.chat(#"{"model":"anthropic/claude-sonnet-4.5","messages":[{"role":"user","content":"Hi"}],"max_tokens":1000}"#, key: key)
        XCTAssertEqual(back.json["layers"]?["credits_used"]?.numberValue?.text, "2.1", back.body)
        let noKey = await gw.send(.post, "/admin/keys/\(UUID().uuidString)/margin", body: #"{"margin_percent":5}"#,
                                  headers: admin)
        XCTAssertEqual(noKey.status, 404)
        let noAdmin = await gw.send(.post, "/admin/keys/\(keyID)/margin", body: #"{"margin_percent":5}"#)
        XCTAssertEqual(noAdmin.status, 403, "no admin credential")

        let margin = await gw.send(.post, "/admin/models/margin", body: #"{"model":"openai/gpt-4o","margin_percent":"25.5"}"#, headers: admin)
        XCTAssertEqual(margin.json["model_margins"]?["openai/gpt-4o"]?.numberValue?.text, "25.5")
    }
}

final class HealthAndAnonymousLimitTests: XCTestCase {
    func testHealthIs503WhenTheDatabaseIsDown() async throws {
        let store = InMemoryStore()
        let services = GatewayServices(configuration: .testing(), stores: store.asStores(), liveBackend: FakeBackend(),
                                       databaseCheck: { false })
        let router = GatewayRouter.make(services)
        let response = await router.respond(to: HTTPRequest(method: .get, target: "/health", requestID: "h"))
        XCTAssertEqual(response.status.code, 503)
    }

    func testUnauthenticatedTrafficIsLimitedPerAddress() async throws {
        let services = GatewayServices(configuration: .testing(), stores: InMemoryStore().asStores(),
                                       liveBackend: FakeBackend())
        let router = GatewayRouter.make(services)
        var last = 0
        for i in 0...GatewayRouter.anonymousPolicy.burst {
            let r = await router.respond(to: HTTPRequest(method: .post, target: "/v1/chat/completions",
                                                         remoteAddress: "10.0.0.9:1234", requestID: "a\(i)"))
            last = r.status.code
            XCTAssertNotNil(r.headers["X-RateLimit-Limit"])
        }
        XCTAssertEqual(last, 429)
        let other = await router.respond(to: HTTPRequest(method: .get, target: "/health",
                                                         remoteAddress: "10.0.0.10:1", requestID: "b"))
        XCTAssertEqual(other.status.code, 200)
    }
}
