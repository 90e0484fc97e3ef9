import Foundation
import LayersCore
import LayersCredits
import XCTest
@testable import LayersServer

final class AuthenticationTests: XCTestCase {
    let body = #"{"model":"openai/gpt-4o","messages":[{"role":"user","content":"Hi"}]}"#

    func testEachFailureSaysWhichAndNeverEchoesTheKey() async throws {
        let gw = try await TestGateway.make()
        let unknown = APIKey.generate(mode: .live).plaintext
        let cases: [(String?, String)] = [
            (nil, "missing_api_key"),
            ("sk-notours", "invalid_api_key_format"),
            ("lyr_live_short", "invalid_api_key_format"),
            (unknown, "invalid_api_key"),
        ]
        for (key, code) in cases {
            let r = await gw.chat(body, key: key ?? "")
            XCTAssertEqual(r.status, 401, code)
            XCTAssertEqual(r.errorCode, code)
            if let key, !key.isEmpty { XCTAssertFalse(r.body.contains(key), "echoed \(code)") }
            XCTAssertNotNil(r.headers["X-RateLimit-Limit"])
        }
        let missing = await gw.send(.post, "/v1/chat/completions", body: body)
        XCTAssertTrue(missing.json["error"]?["message"]?.stringValue?.contains("Authorization") ?? false)
        let badPrefix = await gw.chat(body, key: "sk-abc")
        XCTAssertTrue(badPrefix.json["error"]?["message"]?.stringValue?.contains("lyr_live_") ?? false)
    }

    func testRevokedAndExpired() async throws {
        let gw = try await TestGateway.make()
        let ops = AccountOperations(stores: gw.services.stores)
        let (revoked, record) = try await ops.createKey(userID: gw.user, name: "r", mode: .live, project: nil, expiresAt: nil)
        _ = try await gw.services.stores.keys.revokeKey(id: record.id, userID: nil)
        let v1 = await gw.chat(body, key: revoked.plaintext).errorCode
        XCTAssertEqual(v1, "revoked_api_key")
        let (expired, _) = try await ops.createKey(userID: gw.user, name: "e", mode: .live, project: nil,
                                                   expiresAt: Date().addingTimeInterval(-10))
        let v2 = await gw.chat(body, key: expired.plaintext).errorCode
        XCTAssertEqual(v2, "expired_api_key")
    }

    /// Revoked and expired keys are refused the same way over either header, and never echoed.
    func testRevokedAndExpiredOverXAPIKeyAreNotEchoed() async throws {
        let gw = try await TestGateway.make()
        let ops = AccountOperations(stores: gw.services.stores)
        let (revoked, record) = try await ops.createKey(userID: gw.user, name: "r", mode: .test, project: nil, expiresAt: nil)
        _ = try await gw.services.stores.keys.revokeKey(id: record.id, userID: gw.user)
        let (expired, _) = try await ops.createKey(userID: gw.user, name: "e", mode: .test, project: nil,
                                                   expiresAt: Date().addingTimeInterval(-1))
        for (key, code) in [(revoked.plaintext, "revoked_api_key"), (expired.plaintext, "expired_api_key")] {
            for header in ["x-api-key", "authorization"] {
                let value = header == "x-api-key" ? key : "Bearer " + key
                let r = await gw.send(.post, "/v1/chat/completions", body: body, headers: [(header, value)])
                XCTAssertEqual(r.status, 401, header)
                XCTAssertEqual(r.errorCode, code, header)
                XCTAssertEqual(r.json["error"]?["type"]?.stringValue, "authentication_error")
                XCTAssertFalse(r.body.contains(key), "\(code) echoed over \(header)")
                XCTAssertFalse(r.body.contains(String(key.dropFirst(9).prefix(12))), "\(code) partly echoed")
            }
        }
        // A non-Bearer scheme is a malformed header, not a missing one.
        let basic = await gw.send(.post, "/v1/chat/completions", body: body,
                                  headers: [("authorization", "Basic " + gw.testKey)])
        XCTAssertEqual(basic.status, 401)
        XCTAssertEqual(basic.errorCode, "invalid_api_key_format")
        XCTAssertFalse(basic.body.contains(gw.testKey))
    }

    func testXAPIKeyHeader() async throws {
        let gw = try await TestGateway.make()
        let r = await gw.send(.post, "/v1/chat/completions", body: body, headers: [("x-api-key", gw.testKey)])
        XCTAssertEqual(r.status, 200, r.body)
    }

    func testAdminToken() async throws {
        let gw = try await TestGateway.make()
        let v3 = await gw.send(.get, "/admin/users").status
        XCTAssertEqual(v3, 403)
        let v4 = await gw.send(.get, "/admin/users", key: "wrong-token-wrong-token").status
        XCTAssertEqual(v4, 403)
        let v5 = await gw.send(.get, "/admin/users", headers: [("authorization", "Bearer \(TestGateway.adminToken)")]).status
        XCTAssertEqual(v5, 200)
        let disabled = try await TestGateway.make { $0.adminToken = nil }
        let v6 = await disabled.send(.get, "/admin/users", headers: [("authorization", "Bearer x")]).status
        XCTAssertEqual(v6, 404)
    }
}
