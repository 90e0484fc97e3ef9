import Foundation
import LayersCore
import LayersCredits
import XCTest
@testable import LayersServer

/// Key budgets through the whole in-process gateway: set on creation and changed by the owner and the admin,
/// enforced before the reserve step with 402 `key_budget_exceeded`, shown in key listings.
final class KeyBudgetEndpointTests: XCTestCase {
    var admin: [(String, String)] { [("authorization", "Bearer \(TestGateway.adminToken)")] }
    let chatBody = #"{"model":"openai/gpt-4o","max_tokens":1000,"messages":[{"role":"user","content":"hi"}]}"#

    func credits(_ value: JSONValue?) -> MicroCredits? {
        guard let text = value?.numberValue?.text else { return nil }
        return MicroCredits(decimalString: text)
    }

    func createKey(_ gw: TestGateway, _ body: String) async -> (id: String, key: String, json: JSONValue) {
        let created = await gw.send(.post, "/api/keys", body: body, key: gw.liveKey)
        XCTAssertEqual(created.status, 201, created.body)
        return (created.json["id"]?.stringValue ?? "", created.json["key"]?.stringValue ?? "", created.json)
    }

    func listed(_ gw: TestGateway, _ id: String) async -> JSONValue? {
        let keys = await gw.send(.get, "/api/keys", key: gw.liveKey).json["keys"]?.arrayValue ?? []
        return keys.first { $0["id"]?.stringValue == id }
    }

    func testSpendingUpToTheBudgetThenRefusedUntilRaised() async throws {
        let gw = try await TestGateway.make(credits: "100")
        let capped = await createKey(gw, #"{"name":"capped","monthly_budget":"5"}"#)
        XCTAssertEqual(credits(capped.json["monthly_budget"]), MicroCredits(credits: 5))

        var spent = MicroCredits.zero
        var refusal: TestResponse?
        for _ in 0..<10 {
            let r = await gw.chat(chatBody, key: capped.key)
            if r.status != 200 { refusal = r; break }
            spent = spent + (credits(r.json["layers"]?["credits_charged"]) ?? .zero)
        }
        let refused = try XCTUnwrap(refusal, "the budget must stop the key")
        XCTAssertGreaterThan(spent, .zero)
        XCTAssertLessThanOrEqual(spent, MicroCredits(credits: 5), "never charged past the budget")
        XCTAssertEqual(refused.status, 402)
        XCTAssertEqual(refused.errorCode, "key_budget_exceeded")
        XCTAssertEqual(refused.json["error"]?["type"]?.stringValue, "insufficient_quota")
        XCTAssertEqual(credits(refused.json["error"]?["budget"]), MicroCredits(credits: 5))
        XCTAssertEqual(credits(refused.json["error"]?["spent"]), spent)
        let required = try XCTUnwrap(credits(refused.json["error"]?["required"]))
        XCTAssertGreaterThan(spent + required, MicroCredits(credits: 5))
        XCTAssertFalse(refused.body.contains(capped.key), "the key is never echoed")
        XCTAssertFalse(refused.body.contains(String(capped.key.dropFirst(9).prefix(20))))

        let balanceBefore = try await gw.account()
        XCTAssertEqual(balanceBefore.reserved, .zero, "a refused request holds nothing")
        let rows = try await gw.usageRows()
        XCTAssertTrue(rows.contains { $0.status == 402 && $0.errorCode == "key_budget_exceeded" && $0.creditsCharged == .zero })

        // The user's other key is not affected.
        let other = await gw.chat(chatBody)
        XCTAssertEqual(other.status, 200, other.body)

        // The owner raises the budget: the key works again.
        let raised = await gw.send(.post, "/api/keys/\(capped.id)/budget", body: #"{"monthly_budget":"50"}"#,
                                   key: gw.liveKey)
        XCTAssertEqual(raised.status, 200, raised.body)
        XCTAssertEqual(credits(raised.json["key"]?["monthly_budget"]), MicroCredits(credits: 50))
        XCTAssertEqual(credits(raised.json["key"]?["month_spent"]), spent)
        let again = await gw.chat(chatBody, key: capped.key)
        XCTAssertEqual(again.status, 200, again.body)
        spent = spent + (credits(again.json["layers"]?["credits_charged"]) ?? .zero)

        let shownJSON = await listed(gw, capped.id)
        let shown = try XCTUnwrap(shownJSON)
        XCTAssertEqual(credits(shown["monthly_budget"]), MicroCredits(credits: 50))
        XCTAssertEqual(credits(shown["month_spent"]), spent)
        XCTAssertEqual(credits(shown["budget_remaining"]), MicroCredits(credits: 50) - spent)
        let liveKeyID = try await gw.services.stores.keys.listKeys(userID: gw.user).first { $0.name == "live" }!.id
        let unbudgetedJSON = await listed(gw, liveKeyID.description)
        let unbudgeted = try XCTUnwrap(unbudgetedJSON)
        XCTAssertEqual(unbudgeted["monthly_budget"], .null)
        XCTAssertEqual(unbudgeted["budget_remaining"], .null)
        XCTAssertGreaterThan(credits(unbudgeted["month_spent"]) ?? .zero, .zero)
    }

    func testStreamsAndAnthropicMessagesAreHeldToTheBudget() async throws {
        let gw = try await TestGateway.make(credits: "100")
        let capped = await createKey(gw, #"{"name":"capped","monthly_budget":"3"}"#)
        let streamed = await gw.chat(
            #"{"model":"openai/gpt-4o","max_tokens":1000,"stream":true,"messages":[{"role":"user","content":"hi"}]}"#,
            key: capped.key)
        XCTAssertEqual(streamed.status, 200)
        XCTAssertTrue(streamed.body.contains("[DONE]"))
        // 2.4 credits charged for the stream; the next estimate does not fit in what is left of 3.
        let next = await gw.chat(chatBody, key: capped.key)
        XCTAssertEqual(next.errorCode, "key_budget_exceeded", next.body)
        let messages = await gw.send(
            .post, "/v1/messages",
            body: #"{"model":"openai/gpt-4o","max_tokens":1000,"messages":[{"role":"user","content":"hi"}]}"#,
            key: capped.key)
        XCTAssertEqual(messages.status, 402, messages.body)
        XCTAssertEqual(messages.json["error"]?["type"]?.stringValue, "billing_error")
        XCTAssertTrue(messages.json["error"]?["message"]?.stringValue?.contains("budget") ?? false)
    }

    func testTestKeysIgnoreTheirBudget() async throws {
        let gw = try await TestGateway.make()
        let sandbox = await createKey(gw, #"{"name":"sandbox","mode":"test","monthly_budget":0}"#)
        for _ in 0..<3 {
            let r = await gw.chat(chatBody, key: sandbox.key)
            XCTAssertEqual(r.status, 200, r.body)
        }
    }

    func testOwnerAndAdminSetAndClearBudgets() async throws {
        let gw = try await TestGateway.make()
        let key = await createKey(gw, #"{"name":"k"}"#)
        XCTAssertEqual(key.json["monthly_budget"], .null)

        for bad in [#"{}"#, #"{"monthly_budget":"-1"}"#, #"{"monthly_budget":"1.0000001"}"#,
                    #"{"monthly_budget":"ten"}"#, #"{"monthly_budget":true}"#] {
            let r = await gw.send(.post, "/api/keys/\(key.id)/budget", body: bad, key: gw.liveKey)
            XCTAssertEqual(r.status, 400, bad)
            XCTAssertEqual(r.json["error"]?["param"]?.stringValue, "monthly_budget", bad)
        }
        let number = await gw.send(.post, "/api/keys/\(key.id)/budget", body: #"{"monthly_budget":12.75}"#,
                                   key: gw.liveKey)
        XCTAssertEqual(credits(number.json["key"]?["monthly_budget"]), MicroCredits(decimalString: "12.75"))
        let stored = try await gw.services.stores.keys.key(id: APIKeyID(key.id)!)?.monthlyBudget
        XCTAssertEqual(stored, MicroCredits(rawValue: 12_750_000))

        // Another user's key: not found for the owner endpoint, reachable by the admin.
        let ops = AccountOperations(stores: gw.services.stores)
        let (stranger, _) = try await ops.createUser(email: "s@example.com", name: nil, tier: nil, credits: nil)
        let (_, strangerKey) = try await ops.createKey(userID: stranger.id, name: "s", mode: .live, project: nil,
                                                       expiresAt: nil, monthlyBudget: MicroCredits(credits: 1))
        let notMine = await gw.send(.post, "/api/keys/\(strangerKey.id)/budget", body: #"{"monthly_budget":"99"}"#,
                                    key: gw.liveKey)
        XCTAssertEqual(notMine.status, 404)
        XCTAssertEqual(notMine.errorCode, "key_not_found")
        let untouched = try await gw.services.stores.keys.key(id: strangerKey.id)?.monthlyBudget
        XCTAssertEqual(untouched, MicroCredits(credits: 1))

        let cleared = await gw.send(.post, "/admin/keys/\(strangerKey.id)/budget", body: #"{"monthly_budget":null}"#,
                                    headers: admin)
        XCTAssertEqual(cleared.status, 200, cleared.body)
        XCTAssertEqual(cleared.json["key"]?["monthly_budget"], .null)
        let adminSet = await gw.send(.post, "/admin/keys/\(strangerKey.id)/budget",
                                     body: #"{"monthly_budget":"7.5"}"#, headers: admin)
        XCTAssertEqual(credits(adminSet.json["key"]?["monthly_budget"]), MicroCredits(decimalString: "7.5"))
        let adminList = await gw.send(.get, "/admin/users/\(stranger.id)/keys", headers: admin)
        let listedKey = adminList.json["keys"]?.arrayValue?.first
        XCTAssertEqual(credits(listedKey?["monthly_budget"]), MicroCredits(decimalString: "7.5"))
        XCTAssertEqual(credits(listedKey?["month_spent"]), .zero)
        XCTAssertEqual(credits(listedKey?["budget_remaining"]), MicroCredits(decimalString: "7.5"))
        let noAdmin = await gw.send(.post, "/admin/keys/\(strangerKey.id)/budget", body: #"{"monthly_budget":1}"#)
        XCTAssertEqual(noAdmin.status, 403)
        let unknown = await gw.send(.post, "/admin/keys/\(UUID().uuidString)/budget",
                                    body: #"{"monthly_budget":1}"#, headers: admin)
        XCTAssertEqual(unknown.status, 404)

        // Admin-created keys take a budget too.
        let viaAdmin = await gw.send(.post, "/admin/users/\(stranger.id)/keys",
                                     body: #"{"name":"ci","monthly_budget":"2"}"#, headers: admin)
        XCTAssertEqual(viaAdmin.status, 201)
        XCTAssertEqual(credits(viaAdmin.json["monthly_budget"]), MicroCredits(credits: 2))
    }
}
