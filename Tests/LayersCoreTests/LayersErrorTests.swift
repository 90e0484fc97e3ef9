import Foundation
import XCTest
import LayersCredits
@testable import LayersCore

final class LayersErrorTests: XCTestCase {
    /// One example of every case, with the status it must have.
    static let examples: [(LayersError, Int)] = [
        (.invalidRequest(message: "bad", param: "temperature", code: "invalid_value"), 400),
        (.invalidJSON(detail: "unexpected end of input at byte 3"), 400),
        (.missingModel, 400),
        (.missingMessages, 400),
        (.tooManyMessages(limit: 100, received: 150), 400),
        (.messageTooLong(index: 2, limit: 100_000, received: 100_001), 400),
        (.costLimitExceeded(estimated: MicroCredits(rawValue: 150_500_000), limit: MicroCredits(credits: 100)), 400),
        (.providerRejectedRequest(provider: "openai", model: "gpt-4o", message: "Invalid 'tools[0]'"), 400),
        (.authentication(.missing), 401),
        (.authentication(.malformed(.unknownPrefix)), 401),
        (.authentication(.unknown), 401),
        (.authentication(.revoked), 401),
        (.authentication(.expired), 401),
        (.insufficientCredits(balance: MicroCredits(rawValue: 1_500_000), required: MicroCredits(rawValue: 3_360_000)), 402),
        (.permissionDenied(message: "Admin token required"), 403),
        (.modelNotFound(model: "gpt-4.5o", suggestions: ["openai/gpt-4o", "openai/gpt-4.1"]), 404),
        (.notFound(message: "Key not found"), 404),
        (.methodNotAllowed(method: "DELETE", allowed: ["GET", "POST"]), 405),
        (.payloadTooLarge(limitBytes: 10_485_760), 413),
        (.unprocessable(message: "Model cannot do images", param: "messages[0].content[1]"), 422),
        (.rateLimited(limit: 10, retryAfterSeconds: 6), 429),
        (.providerRateLimited(provider: "anthropic", retryAfterSeconds: 20, message: "slow down"), 429),
        (.internalError(requestID: "req_1"), 500),
        (.providerError(provider: "google", model: "gemini-2.5-pro", message: "Internal error", upstreamStatus: 500), 502),
        (.providerNotConfigured(provider: "anthropic", model: "anthropic/claude-sonnet-4.5"), 503),
        (.providerOverloaded(provider: "anthropic", retryAfterSeconds: 5), 503),
        (.serviceUnavailable(message: "Database unreachable"), 503),
        (.upstreamTimeout(provider: "openai", phase: .firstByte), 504),
    ]

    func testStatusAndBodyShapeForEveryCase() throws {
        for (error, status) in Self.examples {
            XCTAssertEqual(error.status, status, "\(error)")
            let body = error.openAIBody()
            XCTAssertEqual(body.objectValue?.keys, ["error"])
            let object = try XCTUnwrap(body["error"]?.objectValue, "\(error)")
            XCTAssertEqual(Array(object.keys.prefix(4)), ["message", "type", "param", "code"])
            XCTAssertEqual(object["message"]?.stringValue, error.message)
            XCTAssertFalse(error.message.isEmpty)
            XCTAssertEqual(object["type"]?.stringValue, error.type)
            XCTAssertEqual(object["code"]?.stringValue, error.code)
            XCTAssertEqual(object["param"], error.param.map(JSONValue.string) ?? .null)
            // The bytes parse back to the same document.
            XCTAssertEqual(try JSONValue.parse(error.openAIBodyBytes()), body)
            // Anthropic shape.
            let anthropic = error.anthropicBody()
            XCTAssertEqual(anthropic["type"], "error")
            XCTAssertEqual(anthropic["error"]?["type"]?.stringValue, error.anthropicType)
            XCTAssertEqual(anthropic["error"]?["message"]?.stringValue, error.message)
        }
    }

    func testTypesByStatus() {
        XCTAssertEqual(LayersError.missingModel.type, "invalid_request_error")
        XCTAssertEqual(LayersError.authentication(.unknown).type, "authentication_error")
        XCTAssertEqual(LayersError.insufficientCredits(balance: .zero, required: .zero).type, "insufficient_quota")
        XCTAssertEqual(LayersError.permissionDenied(message: "x").type, "permission_error")
        XCTAssertEqual(LayersError.modelNotFound(model: "x", suggestions: []).type, "invalid_request_error")
        XCTAssertEqual(LayersError.rateLimited(limit: 1, retryAfterSeconds: 1).type, "rate_limit_error")
        XCTAssertEqual(LayersError.internalError().type, "server_error")
        XCTAssertEqual(LayersError.upstreamTimeout(provider: "openai", phase: .idle).type, "timeout_error")
    }

    func testOriginalMessagesKept() {
        XCTAssertEqual(LayersError.missingModel.message, "Model is required")
        XCTAssertEqual(LayersError.missingMessages.message, "Messages array is required and must not be empty")
        XCTAssertTrue(LayersError.tooManyMessages(limit: 100, received: 101).message.hasPrefix("Too many messages in conversation"))
        XCTAssertTrue(LayersError.messageTooLong(index: 0, limit: 1, received: 2).message.hasPrefix("Message content exceeds maximum length"))
        XCTAssertTrue(LayersError.authentication(.missing).message.contains("Authorization"))
        XCTAssertTrue(LayersError.authentication(.malformed(.unknownPrefix)).message.contains("lyr_live_"))
    }

    func testAuthenticationCodesSayWhich() {
        let codes = [AuthenticationFailure.missing, .malformed(.wrongLength), .unknown, .revoked, .expired].map {
            LayersError.authentication($0).code
        }
        XCTAssertEqual(codes, ["missing_api_key", "invalid_api_key_format", "invalid_api_key", "revoked_api_key", "expired_api_key"])
        XCTAssertEqual(AuthenticationFailure(.missing), .missing)
        XCTAssertEqual(AuthenticationFailure(.malformed(.notBearer)), .malformed(.notBearer))
        XCTAssertNil(AuthenticationFailure(.live(APIKey.generate())))
    }

    func testExactRenderingOfInsufficientCredits() {
        let error = LayersError.insufficientCredits(balance: MicroCredits(rawValue: 1_500_000),
                                                    required: MicroCredits(rawValue: 3_360_000))
        XCTAssertEqual(error.openAIBody().serialized(),
                       #"{"error":{"message":"Insufficient credits: this request needs up to 3.36 credits and the available balance is 1.5","type":"insufficient_quota","param":null,"code":"insufficient_credits","balance":1.5,"required":3.36}}"#)
    }

    func testModelNotFoundHasSuggestionsAndPointer() {
        let error = LayersError.modelNotFound(model: "gpt-4.5o", suggestions: ["openai/gpt-4o", "openai/gpt-4.1"])
        let body = error.openAIBody()["error"]
        XCTAssertEqual(body?["suggestions"], ["openai/gpt-4o", "openai/gpt-4.1"])
        XCTAssertEqual(body?["models_url"], "/v1/models")
        XCTAssertEqual(body?["param"], "model")
        XCTAssertTrue(error.message.contains("'openai/gpt-4o'"))
        XCTAssertTrue(error.message.contains("/v1/models"))
    }

    func testValidationExtras() {
        let tooMany = LayersError.tooManyMessages(limit: 100, received: 150).openAIBody()["error"]
        XCTAssertEqual(tooMany?["max_messages"], 100)
        XCTAssertEqual(tooMany?["received"], 150)
        let tooLong = LayersError.messageTooLong(index: 3, limit: 100_000, received: 100_007).openAIBody()["error"]
        XCTAssertEqual(tooLong?["param"], "messages[3].content")
        XCTAssertEqual(tooLong?["max_length"], 100_000)
        XCTAssertEqual(tooLong?["message_index"], 3)
        XCTAssertEqual(tooLong?["received_length"], 100_007)
        let cost = LayersError.costLimitExceeded(estimated: MicroCredits(rawValue: 150_500_000), limit: MicroCredits(credits: 100))
        XCTAssertEqual(cost.openAIBody()["error"]?["estimated_credits"]?.numberValue?.text, "150.5")
        XCTAssertEqual(cost.openAIBody()["error"]?["max_credits"]?.numberValue?.text, "100")
    }

    func testHeaders() {
        func header(_ error: LayersError, _ name: String) -> String? {
            error.headers.first { $0.name == name }?.value
        }
        XCTAssertEqual(header(.rateLimited(limit: 10, retryAfterSeconds: 6), "Retry-After"), "6")
        XCTAssertEqual(LayersError.rateLimited(limit: 10, retryAfterSeconds: 6).openAIBody()["error"]?["retry_after"], 6)
        XCTAssertEqual(header(.providerRateLimited(provider: "openai", retryAfterSeconds: 30, message: "x"), "Retry-After"), "30")
        XCTAssertNil(header(.providerRateLimited(provider: "openai", retryAfterSeconds: nil, message: "x"), "Retry-After"))
        XCTAssertEqual(header(.providerOverloaded(provider: "anthropic", retryAfterSeconds: 5), "Retry-After"), "5")
        XCTAssertEqual(header(.methodNotAllowed(method: "PUT", allowed: ["GET", "POST"]), "Allow"), "GET, POST")
        XCTAssertEqual(header(.authentication(.missing), "WWW-Authenticate"), "Bearer")
        XCTAssertTrue(LayersError.missingModel.headers.isEmpty)
    }

    func testProviderErrorsNameTheProviderAndPassTheMessageOn() {
        let error = LayersError.providerError(provider: "google", model: "gemini-2.5-pro", message: "Backend exploded", upstreamStatus: 500)
        XCTAssertTrue(error.message.contains("google"))
        XCTAssertTrue(error.message.contains("gemini-2.5-pro"))
        XCTAssertTrue(error.message.contains("Backend exploded"))
        let body = error.openAIBody()["error"]
        XCTAssertEqual(body?["provider"], "google")
        XCTAssertEqual(body?["model"], "gemini-2.5-pro")
        XCTAssertEqual(body?["provider_status"], 500)
        XCTAssertEqual(LayersError.upstreamTimeout(provider: "openai", phase: .connect).openAIBody()["error"]?["timeout"], "connect")
        XCTAssertTrue(LayersError.providerNotConfigured(provider: "anthropic", model: "anthropic/claude-sonnet-4.5")
            .message.contains("not configured"))
    }

    func testAnthropicStatusMapping() {
        let cases: [(LayersError, Int, String)] = [
            (.missingModel, 400, "invalid_request_error"),
            (.unprocessable(message: "x"), 400, "invalid_request_error"),
            (.authentication(.unknown), 401, "authentication_error"),
            (.insufficientCredits(balance: .zero, required: .zero), 402, "billing_error"),
            (.permissionDenied(message: "x"), 403, "permission_error"),
            (.modelNotFound(model: "x", suggestions: []), 404, "not_found_error"),
            (.payloadTooLarge(limitBytes: 1), 413, "request_too_large"),
            (.rateLimited(limit: 1, retryAfterSeconds: 1), 429, "rate_limit_error"),
            (.internalError(), 500, "api_error"),
            (.providerError(provider: "openai", message: "x"), 502, "api_error"),
            (.providerNotConfigured(provider: "openai", model: "openai/gpt-4o"), 503, "api_error"),
            (.providerOverloaded(provider: "anthropic"), 529, "overloaded_error"),
            (.upstreamTimeout(provider: "openai", phase: .total), 504, "timeout_error"),
        ]
        for (error, status, type) in cases {
            XCTAssertEqual(error.anthropicStatus, status, "\(error)")
            XCTAssertEqual(error.anthropicType, type, "\(error)")
        }
        XCTAssertEqual(LayersError.authentication(.unknown).anthropicBody(requestID: "req_9").serialized(),
                       #"{"type":"error","error":{"type":"authentication_error","message":"Invalid API key: no active key matches it. Check that it was copied in full."},"request_id":"req_9"}"#)
    }

    func testStreamEvents() throws {
        let error = LayersError.providerError(provider: "anthropic", message: "Overloaded")
        let openAI = error.openAIStreamEvent()
        XCTAssertNil(openAI.event)
        XCTAssertEqual(try JSONValue.parse(openAI.data), error.openAIBody())
        let anthropic = error.anthropicStreamEvent()
        XCTAssertEqual(anthropic.event, "error")
        XCTAssertEqual(try JSONValue.parse(anthropic.data), error.anthropicBody())
    }

    func testRequestIDAddedOnce() {
        XCTAssertEqual(LayersError.missingModel.openAIBody(requestID: "r1")["error"]?["request_id"], "r1")
        XCTAssertEqual(LayersError.internalError(requestID: "r2").openAIBody(requestID: "r1")["error"]?["request_id"], "r2")
    }

    func testUpstreamMapping() {
        XCTAssertEqual(LayersError.upstream(provider: "openai", status: 400, message: "bad tools").status, 400)
        XCTAssertEqual(LayersError.upstream(provider: "openai", status: 422, message: "bad").status, 400)
        let auth = LayersError.upstream(provider: "openai", status: 401, message: "Incorrect API key provided: sk-proj-abcdefghijklmnop")
        XCTAssertEqual(auth.status, 502)
        XCTAssertFalse(auth.message.contains("sk-proj"))
        let limited = LayersError.upstream(provider: "anthropic", status: 429, message: "rate", retryAfterSeconds: 12)
        XCTAssertEqual(limited.status, 429)
        XCTAssertEqual(limited.retryAfterSeconds, 12)
        XCTAssertEqual(LayersError.upstream(provider: "anthropic", status: 529, message: "Overloaded").status, 503)
        XCTAssertEqual(LayersError.upstream(provider: "anthropic", status: 529, message: "Overloaded").anthropicStatus, 529)
        XCTAssertEqual(LayersError.upstream(provider: "openai", status: 503, message: "x").code, "provider_overloaded")
        XCTAssertEqual(LayersError.upstream(provider: "openai", status: 500, message: "x").status, 502)
        XCTAssertEqual(LayersError.upstream(provider: "openai", status: 504, message: "x").status, 504)
        XCTAssertEqual(LayersError.upstream(provider: "openai", status: 408, message: "x").status, 504)
        XCTAssertEqual(LayersError.upstream(provider: "google", status: 404, message: "models/x is not found").status, 502)
    }

    func testSecretsRedacted() {
        let key = APIKey.generate().plaintext
        let redacted = LayersError.redactingSecrets(in: "Bad key \(key), also sk-ant-api03-AAAAAAAAAAAA and AIzaSyABCDEFGHIJKLMN. Bearer abcdefghijklmnop")
        XCTAssertFalse(redacted.contains(key))
        XCTAssertFalse(redacted.contains("sk-ant-api03"))
        XCTAssertFalse(redacted.contains("AIzaSy"))
        XCTAssertFalse(redacted.contains("abcdefghijklmnop"))
        XCTAssertEqual(redacted, "Bad key [redacted], also [redacted] and [redacted]. Bearer [redacted]")
        XCTAssertEqual(LayersError.redactingSecrets(in: "task-list is fine, sk-1 too short"), "task-list is fine, sk-1 too short")
        let passedOn = LayersError.upstream(provider: "openai", status: 400, message: "key sk-proj-0123456789abcdef invalid")
        XCTAssertFalse(passedOn.message.contains("0123456789abcdef"))
    }

    func testDescriptionForLogs() {
        XCTAssertEqual(LayersError.missingModel.description, "400 missing_required_parameter: Model is required")
    }
}

/// docs/core.md's error table is what docs/api.md links to: every status/type/code pair the
/// error model can produce must have a row.
final class LayersErrorDocsTests: XCTestCase {
    func testDocsTableListsEveryStatusTypeAndCode() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/core.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("| 4") || $0.hasPrefix("| 5") }
        for (error, _) in LayersErrorTests.examples {
            let match = rows.contains { row in
                row.hasPrefix("| \(error.status) | `\(error.type)` |") && row.contains("`\(error.code)`")
            }
            XCTAssertTrue(match, "docs/core.md has no row for \(error.status) \(error.type) \(error.code)")
        }
    }
}
