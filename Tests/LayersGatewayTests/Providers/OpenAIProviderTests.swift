import XCTest
import LayersCore
import LayersCredits
@testable import LayersGateway

/// OpenAI and OpenAI-compatible adapters against the Python fakes over loopback, through the curl client.
final class OpenAIProviderTests: XCTestCase {
    let answer = "Hello from the fake provider."
    let weatherTool = """
    {"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object",
    "properties":{"city":{"type":"string"},"days":{"type":"integer"}},"required":["city"]}}}
    """

    func testPassThroughEditsOnlyModelAndStripsLayersFields() async throws {
        let kit = try ProviderTestKit()
        let model = try ProviderTestKit.model("openai/gpt-4o")
        let request = try ProviderTestKit.request("""
        {"model":"openai/gpt-4o","temperature":0.25,"seed":7,"logit_bias":{"50256":-100},
         "messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"},
                     {"role":"assistant","content":"hey","reasoning_content":"r","thinking_blocks":[]},
                     {"role":"user","content":"again"}],
         "thinking":{"type":"enabled","budget_tokens":2000},"cache":true,"web_search":false,"mirror_factory":{"x":1},
         "metadata":{"project":"p1"},"reasoning_format":"parsed","stream_options":{"include_usage":true}}
        """)
        let result = try await kit.provider(.openAI).complete(request, model: model)
        let sent = try await kit.lastBody()
        XCTAssertEqual(sent["model"], "gpt-4o")
        XCTAssertEqual(sent["temperature"]?.doubleValue, 0.25)
        XCTAssertEqual(sent["temperature"]?.numberValue?.text, "0.25", "numbers pass through as written")
        XCTAssertEqual(sent["seed"], 7)
        XCTAssertNotNil(sent["logit_bias"])
        for field in ["thinking", "cache", "web_search", "mirror_factory", "metadata", "reasoning_format",
                      "stream_options", "stream"] {
            XCTAssertNil(sent[field], "\(field) must not reach OpenAI")
        }
        XCTAssertNil(sent["messages"]?[2]?["reasoning_content"])
        XCTAssertNil(sent["messages"]?[2]?["thinking_blocks"])
        XCTAssertEqual(sent["messages"]?[2]?["content"], "hey")
        XCTAssertEqual(Array(sent.keys.prefix(2)), ["model", "temperature"], "key order is preserved")
        let headers = try await kit.lastHeaders()
        XCTAssertEqual(headers["authorization"], "Bearer test-key-123")

        XCTAssertEqual(result.body["model"], "openai/gpt-4o")
        XCTAssertEqual(result.body["choices"]?[0]?["message"]?["content"]?.stringValue, answer)
        XCTAssertEqual(result.usage, TokenUsage(promptTokens: 20, completionTokens: 8))
        XCTAssertEqual(result.provider, "openai")
        XCTAssertNotNil(result.providerRequestID)
        XCTAssertEqual(result.body["usage"]?["prompt_tokens_details"]?["audio_tokens"], 0,
                       "OpenAI's own usage object is kept as sent")
        Samples.save(result.body, name: "openai-plain")
    }

    func testStreamForcesIncludeUsageAndEndsWithUsageChunk() async throws {
        let kit = try ProviderTestKit()
        let model = try ProviderTestKit.model("openai/gpt-4o")
        let request = try ProviderTestKit.request(
            #"{"model":"openai/gpt-4o","stream":true,"messages":[{"role":"user","content":"hi"}]}"#)
        let stream = try await kit.provider(.openAI).stream(request, model: model)
        XCTAssertFalse(stream.clientRequestedUsage)
        let chunks = try await ProviderTestKit.collect(stream, sample: "openai-stream")
        let sent = try await kit.lastBody()
        XCTAssertEqual(sent["stream"], true)
        XCTAssertEqual(sent["stream_options"]?["include_usage"], true)
        let folded = FoldedStream(chunks)
        XCTAssertEqual(folded.role, "assistant")
        XCTAssertEqual(folded.content, answer)
        XCTAssertEqual(folded.finishReason, "stop")
        XCTAssertEqual(chunks.last?["choices"]?.arrayValue?.count, 0)
        XCTAssertEqual(chunks.last?["usage"]?["prompt_tokens"], 20)
        XCTAssertTrue(chunks.allSatisfy { $0["model"] == "openai/gpt-4o" })
        XCTAssertEqual(chunks.filter { $0["usage"] != nil }.count, 1, "usage appears once, at the end")
        XCTAssertTrue(stream.completed)
        XCTAssertFalse(stream.usageIsEstimated)
        XCTAssertEqual(stream.usage, TokenUsage(promptTokens: 20, completionTokens: 8))
    }

    func testParallelToolCallsAndMultiTurnResults() async throws {
        let kit = try ProviderTestKit()
        let model = try ProviderTestKit.model("openai/gpt-4o")
        let first = try ProviderTestKit.request("""
        {"model":"openai/gpt-4o","messages":[{"role":"user","content":"weather?"}],"tools":[\(weatherTool)]}
        """)
        let result = try await kit.provider(.openAI, scenario: "parallel_tools").complete(first, model: model)
        let message = try XCTUnwrap(result.body["choices"]?[0]?["message"]?.objectValue)
        let calls = try XCTUnwrap(message["tool_calls"]?.arrayValue)
        XCTAssertEqual(calls.count, 2)
        XCTAssertEqual(result.body["choices"]?[0]?["finish_reason"], "tool_calls")
        Samples.save(result.body, name: "openai-tools")

        var messages: [JSONValue] = [["role": "user", "content": "weather?"], .object(message)]
        for call in calls {
            messages.append(["role": "tool", "tool_call_id": call["id"]!, "content": "{\"temp\":20}"])
        }
        var followUp = first
        followUp.json["messages"] = .array(messages)
        let second = try await kit.provider(.openAI).complete(followUp, model: model)
        XCTAssertEqual(second.body["choices"]?[0]?["message"]?["content"]?.stringValue, answer)

        var streamed = first
        streamed.json["stream"] = true
        let chunks = try await ProviderTestKit.collect(
            try await kit.provider(.openAI, scenario: "parallel_tools").stream(streamed, model: model),
            sample: "openai-tools-stream")
        let folded = FoldedStream(chunks)
        XCTAssertEqual(folded.toolCalls.count, 2)
        for (_, call) in folded.toolCalls {
            XCTAssertEqual(call.name, "get_weather")
            XCTAssertEqual(try JSONValue.parse(call.arguments)["city"], "x")
        }
        XCTAssertEqual(folded.finishReason, "tool_calls")
    }

    func testCachedAndReasoningTokensAreNormalised() async throws {
        let kit = try ProviderTestKit()
        let request = try ProviderTestKit.request(#"{"model":"openai/gpt-4o","messages":[{"role":"user","content":"hi"}]}"#)
        let result = try await kit.provider(.openAI, scenario: "cache,thinking")
            .complete(request, model: try ProviderTestKit.model("openai/gpt-4o"))
        XCTAssertEqual(result.usage, TokenUsage(promptTokens: 120, cachedReadTokens: 100, completionTokens: 28,
                                                reasoningTokens: 20))
    }

    func testErrorsAreMappedWithProviderAndModel() async throws {
        let kit = try ProviderTestKit()
        let model = try ProviderTestKit.model("openai/gpt-4o")
        let request = try ProviderTestKit.request(#"{"model":"openai/gpt-4o","messages":[{"role":"user","content":"hi"}]}"#)
        func failure(_ scenario: String?, key: String? = "test-key-123") async -> Error? {
            do {
                _ = try await kit.provider(.openAI, scenario: scenario, key: key).complete(request, model: model)
                return nil
            } catch { return error }
        }
        let e400 = await failure("error_400")
        XCTAssertEqual(e400 as? LayersError, .providerRejectedRequest(provider: "openai", model: "openai/gpt-4o",
                                                                       message: "fake openai error 400"))
        let e429 = await failure("error_429")
        XCTAssertEqual(e429 as? LayersError,
                       .providerRateLimited(provider: "openai", model: "openai/gpt-4o", retryAfterSeconds: 7,
                                            message: "fake openai error 429"))
        let e503 = await failure("error_503")
        XCTAssertEqual(e503 as? LayersError,
                       .providerOverloaded(provider: "openai", model: "openai/gpt-4o", retryAfterSeconds: nil))
        let e500 = await failure("error_500")
        guard case .providerError(_, _, _, let status)? = e500 as? LayersError else {
            return XCTFail("500 must be a provider error")
        }
        XCTAssertEqual(status, 500)
        let badKey = await failure(nil, key: "bad-key-sk-secret-value")
        guard let badKeyError = badKey as? LayersError, case .providerError(let provider, _, let message, _) = badKeyError
        else { return XCTFail("a refused upstream key must be a 5xx provider error, got \(String(describing: badKey))") }
        XCTAssertEqual(provider, "openai")
        XCTAssertGreaterThanOrEqual(badKeyError.status, 500)
        XCTAssertFalse(message.contains("sk-secret"))
    }

    func testMidStreamErrorAndCutStreamKeepPartialUsage() async throws {
        let kit = try ProviderTestKit()
        let model = try ProviderTestKit.model("openai/gpt-4o")
        let request = try ProviderTestKit.request(
            #"{"model":"openai/gpt-4o","stream":true,"messages":[{"role":"user","content":"hi"}]}"#)
        for scenario in ["midstream_error", "cut"] {
            let stream = try await kit.provider(.openAI, scenario: scenario).stream(request, model: model)
            var received = 0
            do {
                for try await _ in stream { received += 1 }
                XCTFail("\(scenario): the stream must fail")
            } catch let error as LayersError {
                guard case .providerError(let provider, _, _, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(provider, "openai")
            }
            XCTAssertGreaterThan(received, 0)
            XCTAssertFalse(stream.completed)
            XCTAssertTrue(stream.usageIsEstimated)
            XCTAssertGreaterThan(stream.usage.promptTokens, 0, "a cut stream is still billed for its prompt")
        }
    }

    func testIdleTimeoutIsNamed() async throws {
        let kit = try ProviderTestKit()
        let request = try ProviderTestKit.request(
            #"{"model":"openai/gpt-4o","stream":true,"messages":[{"role":"user","content":"hi"}]}"#)
        var timeouts = UpstreamTimeouts.default
        timeouts.idle = .milliseconds(150)
        let stream = try await kit.provider(.openAI, scenario: "slow:600", timeouts: timeouts)
            .stream(request, model: try ProviderTestKit.model("openai/gpt-4o"))
        do {
            for try await _ in stream {}
            XCTFail("expected an idle timeout")
        } catch let error as LayersError {
            XCTAssertEqual(error, .upstreamTimeout(provider: "openai", model: "openai/gpt-4o", phase: .idle))
        }
    }

    func testSlowStreamDeliversEveryEvent() async throws {
        let kit = try ProviderTestKit()
        let request = try ProviderTestKit.request(
            #"{"model":"openai/gpt-4o","stream":true,"messages":[{"role":"user","content":"hi"}]}"#)
        let stream = try await kit.provider(.openAI, scenario: "slow:30")
            .stream(request, model: try ProviderTestKit.model("openai/gpt-4o"))
        let folded = FoldedStream(try await ProviderTestKit.collect(stream))
        XCTAssertEqual(folded.content, answer)
    }

    func testJSONSchemaAndVisionPassThroughUnchanged() async throws {
        let kit = try ProviderTestKit()
        let model = try ProviderTestKit.model("openai/gpt-4o")
        let request = try ProviderTestKit.request("""
        {"model":"openai/gpt-4o","response_format":{"type":"json_schema","json_schema":{"name":"p","strict":true,
          "schema":{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"],"additionalProperties":false}}},
         "messages":[{"role":"user","content":[{"type":"text","text":"what?"},
           {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}}]}]}
        """)
        let result = try await kit.provider(.openAI).complete(request, model: model)
        let sent = try await kit.lastBody()
        XCTAssertEqual(sent["response_format"], request.json["response_format"])
        XCTAssertEqual(sent["messages"], request.json["messages"])
        XCTAssertEqual(try JSONValue.parse(result.body["choices"]?[0]?["message"]?["content"]?.stringValue ?? ""), ["n": 1])
        Samples.save(result.body, name: "openai-json")
    }

    func testOneRequestWorksOnReasoningAndClassicOpenAIModels() async throws {
        let kit = try ProviderTestKit()
        let body = """
        "temperature":0.7,"top_p":0.9,"presence_penalty":0.5,"max_tokens":300,"reasoning_effort":"low",
        "messages":[{"role":"user","content":"hi"}]}
        """
        // The fake, like OpenAI, refuses max_tokens and sampling knobs on reasoning models...
        let reasoning = try ProviderTestKit.request(#"{"model":"openai/o3","# + body)
        let answer = try await kit.provider(.openAI).complete(reasoning, model: try ProviderTestKit.model("openai/o3"))
        XCTAssertEqual(answer.body["choices"]?[0]?["message"]?["content"]?.stringValue, self.answer)
        var sent = try await kit.lastBody()
        XCTAssertEqual(sent["max_completion_tokens"], 300)
        XCTAssertEqual(sent["reasoning_effort"], "low")
        for field in ["max_tokens", "temperature", "top_p", "presence_penalty"] { XCTAssertNil(sent[field], field) }

        // ...and reasoning_effort on the others.
        let classic = try ProviderTestKit.request(#"{"model":"openai/gpt-4o","# + body)
        _ = try await kit.provider(.openAI).complete(classic, model: try ProviderTestKit.model("openai/gpt-4o"))
        sent = try await kit.lastBody()
        XCTAssertNil(sent["reasoning_effort"])
        XCTAssertEqual(sent["max_tokens"], 300)
        XCTAssertEqual(sent["temperature"]?.doubleValue, 0.7)

        // OpenAI-compatible servers get the request as sent.
        let compatible = OpenAIRequestBuilder.body(from: reasoning.json, upstreamModel: "o3", stream: false,
                                                   api: .openAICompatible, reasoningModel: true)
        XCTAssertEqual(compatible["max_tokens"], 300)
        XCTAssertEqual(compatible["temperature"]?.doubleValue, 0.7)
    }

    func testMorphIsOpenAICompatible() async throws {
        let kit = try ProviderTestKit()
        let model = try ProviderTestKit.model("morph/morph-v3-large")
        let request = try ProviderTestKit.request(
            #"{"model":"morph/morph-v3-large","messages":[{"role":"user","content":"<code>x</code>"}]}"#)
        let result = try await kit.provider(.openAICompatible).complete(request, model: model)
        let sent = try await kit.lastBody()
        XCTAssertEqual(sent["model"], .string(model.upstreamName))
        XCTAssertEqual(result.body["model"], "morph/morph-v3-large")
    }
}
