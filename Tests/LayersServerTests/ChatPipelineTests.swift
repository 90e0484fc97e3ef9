import Foundation
import LayersCore
import LayersCredits
import XCTest
@testable import LayersServer

final class ChatPipelineTests: XCTestCase {
    let sonnet = #"{"model":"anthropic/claude-sonnet-4.5","messages":[{"role":"user","content":"Hi"}],"max_tokens":1000}"#

    func testChargesExactlyAndReportsTheBreakdown() async throws {
        let gw = try await TestGateway.make()
        let r = await gw.chat(sonnet)
        XCTAssertEqual(r.status, 200, r.body)
        XCTAssertEqual(r.json["object"]?.stringValue, "chat.completion")
        XCTAssertEqual(r.json["model"]?.stringValue, "anthropic/claude-sonnet-4.5")
        XCTAssertEqual(r.json["usage"]?["prompt_tokens"]?.intValue, 2000)
        XCTAssertEqual(r.json["usage"]?["completion_tokens"]?.intValue, 1000)
        XCTAssertEqual(r.json["usage"]?["total_tokens"]?.intValue, 3000)
        let layers = try XCTUnwrap(r.json["layers"])
        XCTAssertEqual(layers["credits_used"]?.numberValue?.text, "3.36")
        XCTAssertEqual(layers["credits_charged"]?.numberValue?.text, "3.36")
        XCTAssertEqual(layers["cost_breakdown"]?["base_cost_usd"]?.numberValue?.text, "0.021")
        XCTAssertEqual(layers["cost_breakdown"]?["margin_percent"]?.numberValue?.text, "60")
        XCTAssertEqual(layers["cost_breakdown"]?["total_cost_usd"]?.numberValue?.text, "0.0336")
        XCTAssertEqual(layers["cost_breakdown"]?["credits_before_margin"]?.numberValue?.text, "2.1")
        XCTAssertEqual(layers["cost_breakdown"]?["margin_credits"]?.numberValue?.text, "1.26")
        XCTAssertNotNil(r.headers["x-layers-overhead-ms"])
        XCTAssertNotNil(r.headers["X-RateLimit-Limit"])
        XCTAssertNotNil(r.headers["X-RateLimit-Remaining"])
        XCTAssertNotNil(r.headers["X-RateLimit-Reset"])

        let account = try await gw.account()
        XCTAssertEqual(account.balance, MicroCredits(decimalString: "96.64"))
        XCTAssertEqual(account.reserved, .zero)
        let rows = try await gw.usageRows()
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(rows[0].credits, MicroCredits(decimalString: "3.36"))
        XCTAssertEqual(rows[0].creditsCharged, MicroCredits(decimalString: "3.36"))
        XCTAssertEqual(rows[0].project, "proj")
        XCTAssertEqual(rows[0].status, 200)
        XCTAssertFalse(rows[0].isTest)
    }

    func testBackgroundSettlementIsVisibleToTheCallersNextRead() async throws {
        let gw = try await TestGateway.make { $0.backgroundSettlement = true }
        for _ in 0..<3 {
            let r = await gw.chat(sonnet)
            XCTAssertEqual(r.json["layers"]?["credits_charged"]?.numberValue?.text, "3.36")
        }
        let balance = await gw.send(.get, "/api/balance", key: gw.liveKey)
        XCTAssertEqual(balance.json["credits"]?.numberValue?.text, "89.92")
        XCTAssertEqual(balance.json["reserved"]?.numberValue?.text, "0")
        XCTAssertEqual(gw.services.settlements.pendingCount, 0)
        let usage = await gw.send(.get, "/api/usage", key: gw.liveKey)
        XCTAssertEqual(usage.json["total_requests"]?.intValue, 3)
    }

    func testMetadataProjectIsStored() async throws {
        let gw = try await TestGateway.make()
        let r = await gw.chat(#"{"model":"openai/gpt-4o","messages":[{"role":"user","content":"Hi"}],"metadata":{"project":"alpha","pattern":"qa"}}"#)
        XCTAssertEqual(r.status, 200, r.body)
        let row = try await gw.usageRows()[0]
        XCTAssertEqual(row.project, "alpha")
        XCTAssertEqual(try JSONValue.parse(row.metadataJSON ?? "")["pattern"]?.stringValue, "qa")
    }

    func testStreamIsBilledFromFinalUsage() async throws {
        let gw = try await TestGateway.make()
        let body = #"{"model":"anthropic/claude-sonnet-4.5","stream":true,"messages":[{"role":"user","content":"Hi"}],"max_tokens":1000}"#
        let r = await gw.chat(body)
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.headers["content-type"], "text/event-stream")
        let events = r.events
        XCTAssertEqual(events.last, "[DONE]")
        // Without stream_options.include_usage, usage and layers ride on the finish chunk.
        let usageChunk = try JSONValue.parse(events[events.count - 2])
        XCTAssertEqual(usageChunk["choices"]?[0]?["finish_reason"]?.stringValue, "stop")
        XCTAssertEqual(usageChunk["usage"]?["total_tokens"]?.intValue, 3000)
        XCTAssertEqual(usageChunk["layers"]?["credits_used"]?.numberValue?.text, "3.36")
        let content = events.dropLast(2).compactMap { try? JSONValue.parse($0) }
            .compactMap { $0["choices"]?[0]?["delta"]?["content"]?.stringValue }.joined()
        XCTAssertTrue(content.contains("Hi"))
        let account = try await gw.account()
        XCTAssertEqual(account.balance, MicroCredits(decimalString: "96.64"))
        XCTAssertEqual(account.reserved, .zero)
        let v1 = try await gw.usageRows()[0].isStream
        XCTAssertTrue(v1)
    }

    func testStreamWithIncludeUsageGetsASeparateUsageChunk() async throws {
        let gw = try await TestGateway.make()
        let body = #"{"model":"openai/gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi"}]}"#
        let events = await gw.chat(body).events
        let usageChunk = try JSONValue.parse(events[events.count - 2])
        XCTAssertEqual(usageChunk["choices"]?.arrayValue?.count, 0)
        XCTAssertNotNil(usageChunk["layers"]?["credits_used"])
        let finish = try JSONValue.parse(events[events.count - 3])
        XCTAssertEqual(finish["choices"]?[0]?["finish_reason"]?.stringValue, "stop")
        XCTAssertNil(finish["usage"])
    }

    func testEncodedChunksAreRelayedAsTheirObjectsWouldBe() async throws {
        func chunkEvents(_ encoded: FakeBackend.EncodedChunks?, includeUsage: Bool) async throws -> [String] {
            var backend = FakeBackend()
            backend.encodedChunks = encoded
            let gw = try await TestGateway.make(backend: backend)
            let options = includeUsage ? #","stream_options":{"include_usage":true}"# : ""
            let r = await gw.chat(#"{"model":"openai/gpt-4o","stream":true\#(options),"messages":[{"role":"user","content":"Tell me a story"}]}"#)
            XCTAssertEqual(r.status, 200)
            XCTAssertEqual(r.events.last, "[DONE]")
            let last = try JSONValue.parse(r.events[r.events.count - 2])
            XCTAssertNotNil(last["layers"]?["credits_used"])
            XCTAssertEqual(last["model"]?.stringValue, "openai/gpt-4o")
            // Chunks only (the usage chunk carries timings), with `created` (wall-clock seconds) blanked.
            return r.events.dropLast(2).map {
                $0.replacingOccurrences(of: #""created":[0-9]+"#, with: #""created":0"#, options: .regularExpression)
            }
        }
        for includeUsage in [false, true] {
            let plain = try await chunkEvents(nil, includeUsage: includeUsage)
            XCTAssertGreaterThan(plain.count, 3)
            let exact = try await chunkEvents(.exact, includeUsage: includeUsage)
            XCTAssertEqual(exact, plain)
            let stale = try await chunkEvents(.staleModel, includeUsage: includeUsage)
            XCTAssertEqual(stale, plain)
        }
    }

    func testStreamCutByClientIsSettledOnceForWhatWasSent() async throws {
        let gw = try await TestGateway.make()
        let body = #"{"model":"anthropic/claude-sonnet-4.5","stream":true,"messages":[{"role":"user","content":"Tell me something long please"}],"max_tokens":1000}"#
        let r = await gw.chat(body, writer: CollectingWriter(failAfter: 3))
        XCTAssertEqual(r.status, 200)
        let rows = try await gw.usageRows()
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(rows[0].status, 499)
        XCTAssertEqual(rows[0].errorCode, "client_closed_request")
        XCTAssertGreaterThan(rows[0].completionTokens, 0)
        XCTAssertLessThan(rows[0].completionTokens, 1000)
        let account = try await gw.account()
        XCTAssertEqual(account.reserved, .zero)
        XCTAssertEqual(account.balance, MicroCredits(credits: 100) - rows[0].creditsCharged)
        XCTAssertGreaterThan(rows[0].creditsCharged, .zero)
    }

    func testProviderErrorMidStreamIsReportedAndSettled() async throws {
        var backend = FakeBackend()
        backend.midStreamError = .providerError(provider: "anthropic", model: "anthropic/claude-sonnet-4.5",
                                                message: "overloaded", upstreamStatus: 529)
        let gw = try await TestGateway.make(backend: backend)
        let body = #"{"model":"anthropic/claude-sonnet-4.5","stream":true,"messages":[{"role":"user","content":"Hi"}]}"#
        let r = await gw.chat(body)
        XCTAssertEqual(r.status, 200)
        let last = try JSONValue.parse(try XCTUnwrap(r.events.last))
        XCTAssertEqual(last["error"]?["code"]?.stringValue, "provider_error")
        let rows = try await gw.usageRows()
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(rows[0].status, 502)
        let v2 = try await gw.account().reserved
        XCTAssertEqual(v2, .zero)
    }

    func testProviderErrorBeforeStreamIsAStatus() async throws {
        var backend = FakeBackend()
        backend.error = .providerRateLimited(provider: "openai", model: "openai/gpt-4o", retryAfterSeconds: 7,
                                             message: "slow down")
        let gw = try await TestGateway.make(backend: backend)
        let r = await gw.chat(#"{"model":"openai/gpt-4o","stream":true,"messages":[{"role":"user","content":"Hi"}]}"#)
        XCTAssertEqual(r.status, 429)
        XCTAssertEqual(r.headers["Retry-After"], "7")
        XCTAssertEqual(r.errorCode, "provider_rate_limited")
        let rows = try await gw.usageRows()
        XCTAssertEqual(rows.first?.status, 429)
        XCTAssertEqual(rows.first?.creditsCharged, .zero)
        let account = try await gw.account()
        XCTAssertEqual(account.balance, MicroCredits(credits: 100))
        XCTAssertEqual(account.reserved, .zero)
    }

    func testTestKeysUseTheSandboxAndChargeNothing() async throws {
        let gw = try await TestGateway.make()
        let r = await gw.chat(sonnet, key: gw.testKey)
        XCTAssertEqual(r.status, 200, r.body)
        XCTAssertEqual(gw.backend.calls.value, 0)
        XCTAssertEqual(r.json["layers"]?["test"]?.boolValue, true)
        XCTAssertEqual(r.json["layers"]?["credits_charged"]?.numberValue?.text, "0")
        XCTAssertNotEqual(r.json["layers"]?["credits_used"]?.numberValue?.text, "0")
        let v3 = try await gw.account().balance
        XCTAssertEqual(v3, MicroCredits(credits: 100))
        let rows = try await gw.usageRows()
        XCTAssertEqual(rows.count, 1)
        XCTAssertTrue(rows[0].isTest)
        XCTAssertEqual(rows[0].creditsCharged, .zero)
    }

    func testTestKeysWorkWithoutProviderKeys() async throws {
        var backend = FakeBackend()
        backend.unavailableProviders = ["anthropic"]
        let gw = try await TestGateway.make(backend: backend)
        let live = await gw.chat(sonnet)
        XCTAssertEqual(live.status, 503)
        XCTAssertEqual(live.errorCode, "provider_not_configured")
        XCTAssertEqual(live.json["error"]?["provider"]?.stringValue, "anthropic")
        let test = await gw.chat(sonnet, key: gw.testKey)
        XCTAssertEqual(test.status, 200)
    }

    func testAliasesServeChat() async throws {
        let gw = try await TestGateway.make()
        for path in ["/api/v1/chat", "/api/v1/chat/completions"] {
            let r = await gw.send(.post, path, body: sonnet, key: gw.testKey)
            XCTAssertEqual(r.status, 200, path)
        }
    }

    func testInsufficientCredits() async throws {
        let gw = try await TestGateway.make(credits: "0.5")
        let r = await gw.chat(sonnet)
        XCTAssertEqual(r.status, 402)
        XCTAssertEqual(r.errorCode, "insufficient_credits")
        XCTAssertEqual(r.json["error"]?["balance"]?.numberValue?.text, "0.5")
        XCTAssertNotNil(r.json["error"]?["required"]?.numberValue)
        XCTAssertEqual(gw.backend.calls.value, 0)
        let v4 = try await gw.usageRows().first?.status
        XCTAssertEqual(v4, 402)
    }

    /// The owner looked rich when last read, so the hold is placed while the provider is called; the ledger then
    /// refuses it (the balance went to another request meanwhile): the call is abandoned and the answer is 402,
    /// nothing is charged, the refusal is logged once and no hold is left behind.
    func testOverlappedHoldRefusedAfterAllIsA402() async throws {
        for stream in [false, true] {
            let gw = try await TestGateway.make()
            let body = stream ? sonnet.replacingOccurrences(of: "{\"model\"", with: "{\"stream\":true,\"model\"") : sonnet
            let first = await gw.chat(body)  // caches the account snapshot (available 100)
            XCTAssertEqual(first.status, 200, first.body)
            let afterFirst = try await gw.account().balance
            let foreign = afterFirst - MicroCredits(decimalString: "0.5")!
            _ = try await gw.services.stores.ledger.reserve(requestID: "elsewhere", userID: gw.user, amount: foreign,
                                                            ttl: .seconds(60))
            let r = await gw.chat(body)
            XCTAssertEqual(r.status, 402, r.body)
            XCTAssertEqual(r.errorCode, "insufficient_credits")
            XCTAssertEqual(r.json["error"]?["balance"]?.numberValue?.text, "0.5")
            XCTAssertEqual(gw.backend.calls.value, 2, "the provider call was started alongside the hold")
            let account = try await gw.account()
            XCTAssertEqual(account.balance, afterFirst)
            XCTAssertEqual(account.reserved, foreign)
            let rows = try await gw.usageRows()
            XCTAssertEqual(rows.filter { $0.status == 402 }.count, 1)
            XCTAssertEqual(rows.filter { $0.status == 402 }.first?.creditsCharged, .zero)
        }
    }

    /// Close to the balance (or with the overlap switched off) the hold comes first and the provider is never called.
    func testHoldComesFirstWithoutACushion() async throws {
        let gw = try await TestGateway.make { $0.overlapReservation = false }
        _ = await gw.chat(sonnet)
        let balance = try await gw.account().balance
        _ = try await gw.services.stores.ledger.reserve(requestID: "elsewhere", userID: gw.user,
                                                        amount: balance - MicroCredits(decimalString: "0.5")!,
                                                        ttl: .seconds(60))
        let r = await gw.chat(sonnet)
        XCTAssertEqual(r.status, 402)
        XCTAssertEqual(gw.backend.calls.value, 1)

        let near = try await TestGateway.make(credits: "3")  // the estimate is over 1 credit: no 20x cushion
        let v1 = await near.chat(sonnet).status
        XCTAssertEqual(v1, 200)
        let step = ReserveStep(services: near.services, overlapProviderCall: true)
        let principal = Principal(key: try await near.services.stores.keys.lookup(
                                      keyHash: APIKeyParser.classify(near.liveKey).key!.hash.hex)!,
                                  account: AccountSnapshot(tier: "pro", marginBps: nil, available: MicroCredits(credits: 3)),
                                  tier: near.services.tiers.resolve("pro"))
        XCTAssertFalse(step.overlaps(principal, estimate: MicroCredits(decimalString: "1.5")!))
        XCTAssertTrue(step.overlaps(principal, estimate: MicroCredits(decimalString: "0.15")!))
        XCTAssertFalse(ReserveStep(services: near.services).overlaps(principal, estimate: MicroCredits(decimalString: "0.15")!))
    }

    func testPerRequestCap() async throws {
        let gw = try await TestGateway.make { $0.maxMicroCreditsPerRequest = 1_000_000 }
        let r = await gw.chat(#"{"model":"anthropic/claude-sonnet-4.5","messages":[{"role":"user","content":"Hi"}],"max_tokens":100000}"#)
        XCTAssertEqual(r.status, 400)
        XCTAssertEqual(r.errorCode, "request_cost_limit_exceeded")
        XCTAssertEqual(r.json["error"]?["max_credits"]?.numberValue?.text, "1")
    }

    func testUnknownModelSuggests() async throws {
        let gw = try await TestGateway.make()
        let r = await gw.chat(#"{"model":"openai/gpt-4-o","messages":[{"role":"user","content":"Hi"}]}"#)
        XCTAssertEqual(r.status, 404)
        XCTAssertEqual(r.errorCode, "model_not_found")
        XCTAssertTrue(r.json["error"]?["message"]?.stringValue?.contains("/v1/models") ?? false)
        XCTAssertFalse(r.json["error"]?["suggestions"]?.arrayValue?.isEmpty ?? true)
    }

    func testValidationErrors() async throws {
        let gw = try await TestGateway.make { $0.maxMessages = 3; $0.maxMessageCharacters = 10 }
        let cases: [(String, String, String?)] = [
            ("{", "invalid_json", nil),
            (#"{"messages":[{"role":"user","content":"x"}]}"#, "missing_required_parameter", "model"),
            (#"{"model":"openai/gpt-4o"}"#, "missing_required_parameter", "messages"),
            (#"{"model":"openai/gpt-4o","messages":[]}"#, "missing_required_parameter", "messages"),
            (#"{"model":"openai/gpt-4o","messages":[{"role":"user","content":"a"},{"role":"user","content":"a"},{"role":"user","content":"a"},{"role":"user","content":"a"}]}"#, "too_many_messages", "messages"),
            (#"{"model":"openai/gpt-4o","messages":[{"role":"user","content":"0123456789abc"}]}"#, "message_too_long", "messages[0].content"),
            (#"{"model":"openai/gpt-4o","messages":[{"role":"wizard","content":"a"}]}"#, "invalid_request", "messages[0].role"),
            (#"{"model":"openai/gpt-4o","messages":[{"role":"user","content":"a"}],"max_tokens":-1}"#, "invalid_request", "max_tokens"),
            (#"{"model":"openai/gpt-4o","messages":[{"role":"user","content":"a"}],"stream":"yes"}"#, "invalid_request", "stream"),
        ]
        for (body, code, param) in cases {
            let r = await gw.chat(body)
            XCTAssertEqual(r.status, 400, body)
            XCTAssertEqual(r.errorCode, code, body)
            XCTAssertEqual(r.json["error"]?["param"]?.stringValue, param, body)
            XCTAssertNotNil(r.headers["X-RateLimit-Limit"], body)
        }
        XCTAssertEqual(gw.backend.calls.value, 0)
    }

    func testRateLimitGives429WithRetryAfter() async throws {
        let gw = try await TestGateway.make(tier: "free")
        var statuses: [Int] = []
        for _ in 0..<11 { statuses.append(await gw.chat(sonnet).status) }
        XCTAssertEqual(statuses.filter { $0 == 200 }.count, 10)
        let r = await gw.chat(sonnet)
        XCTAssertEqual(r.status, 429)
        XCTAssertEqual(r.errorCode, "rate_limit_exceeded")
        XCTAssertNotNil(Int(r.headers["Retry-After"] ?? ""))
        XCTAssertEqual(r.headers["X-RateLimit-Remaining"], "0")
        XCTAssertEqual(r.headers["X-RateLimit-Limit"], "10")
    }
}
