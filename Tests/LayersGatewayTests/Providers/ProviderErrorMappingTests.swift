import XCTest
import LayersCore
@testable import LayersGateway

/// Provider HTTP errors through every adapter, streamed and not: our upstream key refused (401, 403, Gemini's
/// 400 API_KEY_INVALID) and our provider account out of credit are 5xx naming the provider, never a 401/400/429
/// blaming the client, and never quote the key.
final class ProviderErrorMappingTests: XCTestCase {
    /// Every adapter kind with a model it serves; the provider name the errors must carry.
    let cases: [(api: ProviderAPI, model: String, provider: String)] = [
        (.openAI, "openai/gpt-4o", "openai"),
        (.perplexity, "perplexity/sonar-pro", "perplexity"),
        (.openAICompatible, "morph/morph-v3-large", "morph"),
        (.vercelGateway, "anthropic/claude-sonnet-4.5", "vercel-ai-gateway"),
        (.anthropic, "anthropic/claude-sonnet-4.5", "anthropic"),
        (.gemini, "google/gemini-2.5-flash", "google"),
    ]
    let secretKey = "bad-sk-live-0123456789abcdefSECRET"

    private func failure(_ kit: ProviderTestKit, _ api: ProviderAPI, model: String, scenario: String?,
                         key: String, stream: Bool) async throws -> LayersError {
        var request = try ProviderTestKit.request(#"{"model":"\#(model)","messages":[{"role":"user","content":"hi"}]}"#)
        let provider = kit.provider(api, scenario: scenario, key: key)
        let info = try ProviderTestKit.model(model)
        do {
            if stream {
                request.json["stream"] = true
                let chunks = try await ProviderTestKit.collect(try await provider.stream(request, model: info))
                XCTFail("\(api) \(scenario ?? "bad key"): expected an error, got \(chunks.count) chunks")
            } else {
                _ = try await provider.complete(request, model: info)
                XCTFail("\(api) \(scenario ?? "bad key"): expected an error")
            }
        } catch let error as LayersError {
            return error
        }
        throw NoError()
    }

    private struct NoError: Error {}

    func testRefusedUpstreamKeyIsA502NamingTheProviderForEveryAdapter() async throws {
        let kit = try ProviderTestKit()
        for c in cases {
            for (scenario, key) in [("error_401", "test-key-123"), ("error_403", "test-key-123"), (nil, secretKey)] {
                for stream in [false, true] {
                    let label = "\(c.api) \(scenario ?? "bad key") stream=\(stream)"
                    let error = try await failure(kit, c.api, model: c.model, scenario: scenario, key: key,
                                                  stream: stream)
                    guard case .providerError(let provider, let model, _, let upstreamStatus) = error else {
                        XCTFail("\(label): \(error)")
                        continue
                    }
                    XCTAssertEqual(error.status, 502, label)
                    XCTAssertNotEqual(error.type, "authentication_error", label)
                    XCTAssertEqual(provider, c.provider, label)
                    XCTAssertEqual(model, c.model, label)
                    XCTAssertTrue([401, 403].contains(upstreamStatus ?? 0), "\(label): \(String(describing: upstreamStatus))")
                    XCTAssertTrue(error.message.contains("'\(c.provider)'"), "\(label): \(error.message)")
                    XCTAssertFalse(error.message.contains("SECRET"), "\(label): the key must never be quoted")
                    XCTAssertFalse("\(error)".contains("SECRET"), label)
                }
            }
        }
    }

    func testProviderAccountOutOfCreditIsA502NotTheClientsFault() async throws {
        let kit = try ProviderTestKit()
        let scenarios: [(ProviderAPI, String, String, String, Int)] = [
            (.openAI, "openai/gpt-4o", "openai", "insufficient_quota", 429),
            (.vercelGateway, "anthropic/claude-sonnet-4.5", "vercel-ai-gateway", "error_402", 402),
            (.anthropic, "anthropic/claude-sonnet-4.5", "anthropic", "no_credit", 400),
        ]
        for (api, model, name, scenario, upstream) in scenarios {
            for stream in [false, true] {
                let error = try await failure(kit, api, model: model, scenario: scenario, key: "test-key-123",
                                              stream: stream)
                XCTAssertEqual(error, .providerError(
                    provider: name, model: model,
                    message: "the provider refused the gateway's account (billing or quota exhausted); the operator must check it",
                    upstreamStatus: upstream), "\(scenario) stream=\(stream)")
                XCTAssertNil(error.retryAfterSeconds, "retrying does not help")
            }
        }
        // An ordinary rate limit is still a 429 with its Retry-After.
        let limited = try await failure(kit, .openAI, model: "openai/gpt-4o", scenario: "error_429",
                                        key: "test-key-123", stream: true)
        XCTAssertEqual(limited.status, 429)
        XCTAssertEqual(limited.retryAfterSeconds, 7)
    }

    func testServerErrorsAndOverloadForEveryWireFormat() async throws {
        let kit = try ProviderTestKit()
        let formats: [(ProviderAPI, String, String)] = [
            (.openAI, "openai/gpt-4o", "openai"),
            (.anthropic, "anthropic/claude-sonnet-4.5", "anthropic"),
            (.gemini, "google/gemini-2.5-flash", "google"),
        ]
        for (api, model, name) in formats {
            for stream in [false, true] {
                let e500 = try await failure(kit, api, model: model, scenario: "error_500", key: "test-key-123",
                                             stream: stream)
                guard case .providerError(let provider, _, let message, let status) = e500 else {
                    XCTFail("\(api) 500: \(e500)")
                    continue
                }
                XCTAssertEqual(provider, name)
                XCTAssertEqual(status, 500)
                XCTAssertTrue(message.contains("error 500"), "the provider's message is passed on: \(message)")
                XCTAssertEqual(e500.status, 502)

                let overloaded = try await failure(kit, api, model: model,
                                                   scenario: api == .anthropic ? "error_529" : "error_503",
                                                   key: "test-key-123", stream: stream)
                XCTAssertEqual(overloaded, .providerOverloaded(provider: name, model: model, retryAfterSeconds: nil))
                XCTAssertEqual(overloaded.status, 503)

                let rejected = try await failure(kit, api, model: model, scenario: "error_400", key: "test-key-123",
                                                 stream: stream)
                XCTAssertEqual(rejected.status, 400, "\(api): a request the provider rejects is the client's 400")
                XCTAssertTrue(rejected.message.contains("fake"), rejected.message)
            }
        }
    }

    func testAccountFailureRecognition() {
        func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
        XCTAssertTrue(ProviderTransport.isAccountFailure(status: 402, body: []))
        XCTAssertTrue(ProviderTransport.isAccountFailure(
            status: 429, body: bytes(#"{"error":{"type":"insufficient_quota","code":"insufficient_quota"}}"#)))
        XCTAssertFalse(ProviderTransport.isAccountFailure(
            status: 429, body: bytes(#"{"error":{"type":"rate_limit_exceeded"}}"#)))
        XCTAssertTrue(ProviderTransport.isAccountFailure(
            status: 400, body: bytes(#"{"error":{"message":"Your credit balance is too low to access the API"}}"#)))
        XCTAssertFalse(ProviderTransport.isAccountFailure(status: 400, body: bytes(#"{"error":{"message":"bad"}}"#)))
        XCTAssertFalse(ProviderTransport.isAccountFailure(status: 500, body: bytes("insufficient_quota")))
    }
}
