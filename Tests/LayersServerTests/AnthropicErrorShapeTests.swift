import LayersCore
import LayersHTTP
import XCTest
@testable import LayersServer

/// Answers given before any /v1/messages pipeline runs (the HTTP server's refusals, the router's 404/405, the
/// per-address rate limit) are Anthropic-shaped under /v1/messages and OpenAI-shaped elsewhere.
final class AnthropicErrorShapeTests: XCTestCase {
    private func refusal(_ cause: HTTPRefusal.Cause, _ status: HTTPStatus, path: String?) -> TestResponse {
        let response = AnthropicErrorShape.refusalResponse(HTTPRefusal(
            cause: cause, status: status, message: "Request body too large", method: .post, path: path,
            requestID: "req_1"))
        guard case .bytes(let bytes) = response.body else {
            XCTFail("expected a byte body")
            return TestResponse(status: 0, headers: HTTPHeaders(), body: "")
        }
        XCTAssertEqual(response.headers["content-type"], "application/json")
        return TestResponse(status: response.status.code, headers: response.headers,
                            body: String(decoding: bytes, as: UTF8.self))
    }

    func testServerRefusalsOnMessagesRoutesAreAnthropicShaped() {
        for path in ["/v1/messages", "/v1/messages/count_tokens"] {
            let tooLarge = refusal(.parseError(.bodyTooLarge), .payloadTooLarge, path: path)
            XCTAssertEqual(tooLarge.status, 413)
            XCTAssertEqual(tooLarge.json["type"]?.stringValue, "error", path)
            XCTAssertEqual(tooLarge.json["error"]?["type"]?.stringValue, "request_too_large", path)
            XCTAssertEqual(tooLarge.json["error"]?["message"]?.stringValue, "Request body too large")
            XCTAssertEqual(tooLarge.json["request_id"]?.stringValue, "req_1")
        }
        let malformed = refusal(.parseError(.conflictingContentLength), .badRequest, path: "/v1/messages")
        XCTAssertEqual(malformed.status, 400)
        XCTAssertEqual(malformed.json["error"]?["type"]?.stringValue, "invalid_request_error")
        let headers = refusal(.parseError(.headersTooLarge), .requestHeaderFieldsTooLarge, path: "/v1/messages")
        XCTAssertEqual(headers.status, 431)
        XCTAssertEqual(headers.json["error"]?["type"]?.stringValue, "invalid_request_error")
        let slow = refusal(.timeout, .requestTimeout, path: "/v1/messages")
        XCTAssertEqual(slow.status, 408)
        XCTAssertEqual(slow.json["error"]?["type"]?.stringValue, "timeout_error")
    }

    func testServerRefusalsElsewhereOrWithoutAPathKeepOpenAIShape() {
        for path in ["/v1/chat/completions", "/v1/messagesx", "/v1/message", nil] as [String?] {
            let response = refusal(.parseError(.bodyTooLarge), .payloadTooLarge, path: path)
            XCTAssertEqual(response.status, 413)
            XCTAssertNil(response.json["type"], String(describing: path))
            XCTAssertEqual(response.json["error"]?["type"]?.stringValue, "invalid_request_error")
            XCTAssertEqual(response.json["error"]?["message"]?.stringValue, "Request body too large")
        }
    }

    func testGatewayRefusalsNameTheBodyLimitOnOpenAIRoutes() throws {
        let refusals = GatewayRefusals(maxBodyBytes: 4096)
        func answer(_ cause: HTTPRefusal.Cause, _ status: HTTPStatus, _ path: String?) throws -> JSONValue {
            let response = refusals.response(HTTPRefusal(cause: cause, status: status, message: "Request body too large",
                                                         method: .post, path: path, requestID: "req_2"))
            guard case .bytes(let bytes) = response.body else { throw XCTSkip("not a byte body") }
            XCTAssertEqual(response.status, status)
            return try JSONValue.parse(bytes)
        }
        for path in ["/v1/chat/completions", "/v1/embeddings", nil] as [String?] {
            let tooLarge = try answer(.parseError(.bodyTooLarge), .payloadTooLarge, path)
            XCTAssertEqual(tooLarge["error"]?["code"]?.stringValue, "request_too_large")
            XCTAssertEqual(tooLarge["error"]?["type"]?.stringValue, "invalid_request_error")
            XCTAssertEqual(tooLarge["error"]?["max_bytes"]?.intValue, 4096)
            XCTAssertEqual(tooLarge["error"]?["request_id"]?.stringValue, "req_2")
        }
        let malformed = try answer(.parseError(.conflictingContentLength), .badRequest, "/v1/chat/completions")
        XCTAssertEqual(malformed["error"]?["type"]?.stringValue, "invalid_request_error")
        XCTAssertNil(malformed["error"]?["max_bytes"])
        let messages = try answer(.parseError(.bodyTooLarge), .payloadTooLarge, "/v1/messages")
        XCTAssertEqual(messages["error"]?["type"]?.stringValue, "request_too_large", "Anthropic's shape there")
    }

    func testRouterFallbacksUnderMessagesAreAnthropicShaped() async throws {
        let gw = try await TestGateway.make()
        let wrongMethod = await gw.send(.get, "/v1/messages")
        XCTAssertEqual(wrongMethod.status, 405)
        XCTAssertEqual(wrongMethod.headers["allow"], "POST, OPTIONS")
        XCTAssertEqual(wrongMethod.json["type"]?.stringValue, "error")
        XCTAssertEqual(wrongMethod.json["error"]?["type"]?.stringValue, "invalid_request_error")
        XCTAssertNotNil(wrongMethod.json["request_id"]?.stringValue)

        let unknown = await gw.send(.get, "/v1/messages/batches?limit=1", key: gw.liveKey)
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual(unknown.json["error"]?["type"]?.stringValue, "not_found_error")
        XCTAssertEqual(unknown.json["error"]?["message"]?.stringValue, "No route for GET /v1/messages/batches")

        let elsewhere = await gw.send(.get, "/v1/chat/completions")
        XCTAssertEqual(elsewhere.status, 405)
        XCTAssertNil(elsewhere.json["type"])
        XCTAssertEqual(elsewhere.errorCode, "method_not_allowed")
        let missing = await gw.send(.get, "/v1/nothing")
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(missing.errorCode, "not_found")
    }

    func testPerAddressRateLimitUnderMessagesIsAnthropicShaped() async throws {
        let gw = try await TestGateway.make()
        // Unauthenticated requests drain the per-address bucket; keep asking until it refuses (it refills slowly,
        // so how long the loop takes does not matter).
        func untilRefused(_ path: String) async -> TestResponse {
            var response = await gw.send(.post, path, body: "{}")
            for _ in 0..<(2 * GatewayRouter.anonymousPolicy.burst) where response.status == 401 {
                response = await gw.send(.post, path, body: "{}")
            }
            return response
        }
        let messages = await untilRefused("/v1/messages")
        XCTAssertEqual(messages.status, 429)
        XCTAssertEqual(messages.json["type"]?.stringValue, "error")
        XCTAssertEqual(messages.json["error"]?["type"]?.stringValue, "rate_limit_error")
        XCTAssertNotNil(messages.headers["retry-after"])
        let chat = await untilRefused("/v1/chat/completions")
        XCTAssertEqual(chat.status, 429)
        XCTAssertNil(chat.json["type"])
        XCTAssertEqual(chat.errorCode, "rate_limit_exceeded")
    }
}
