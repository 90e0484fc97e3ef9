import XCTest
import LayersCore
import LayersCredits
@testable import LayersGateway

/// The Gemini adapter against the Python fake (which rejects unknown fields, mismatched function responses and,
/// for Gemini 3, function calls sent back without their thought signature).
final class GeminiProviderTests: XCTestCase {
    let answer = "Hello from the fake provider."
    let reasoning = "Let me think about this step by step."
    let modelID = "google/gemini-2.5-flash"
    let tools = """
    [{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object",
      "properties":{"city":{"type":"string"}},"required":["city"]}}},
     {"type":"function","function":{"name":"get_time","parameters":{"type":"object","properties":{"tz":{"type":"string"}}}}}]
    """

    func testRequestTranslation() async throws {
        let kit = try ProviderTestKit()
        let model = try ProviderTestKit.model(modelID)
        let request = try ProviderTestKit.request("""
        {"model":"\(modelID)","temperature":0.4,"top_p":0.8,"max_tokens":500,"stop":["END"],"seed":3,
         "reasoning_effort":"low","tools":\(tools),"tool_choice":{"type":"function","function":{"name":"get_time"}},
         "messages":[{"role":"system","content":"Be kind."},
          {"role":"user","content":[{"type":"text","text":"look"},
            {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
            {"type":"image_url","image_url":{"url":"https://example.com/cat.png"}},
            {"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}}]}]}
        """)
        let result = try await kit.provider(.gemini).complete(request, model: model)
        let recorded = try await kit.recorded()
        let path = try XCTUnwrap(recorded.last?["path"]?.stringValue)
        XCTAssertEqual(path, "/gemini/v1beta/models/gemini-2.5-flash:generateContent")
        XCTAssertFalse(path.contains("key="), "the key never goes in the URL")
        XCTAssertEqual(recorded.last?["headers"]?["x-goog-api-key"], "test-key-123")
        let sent = try await kit.lastBody()
        XCTAssertEqual(sent["systemInstruction"], ["parts": [["text": "Be kind."]]])
        let parts = try XCTUnwrap(sent["contents"]?[0]?["parts"]?.arrayValue)
        XCTAssertEqual(parts[1], ["inlineData": ["mimeType": "image/png", "data": "iVBORw0KGgo="]])
        XCTAssertEqual(parts[2], ["fileData": ["mimeType": "image/png", "fileUri": "https://example.com/cat.png"]])
        XCTAssertEqual(parts[3]["inlineData"]?["mimeType"], "audio/wav")
        XCTAssertEqual(sent["tools"]?[0]?["functionDeclarations"]?[0]?["parametersJsonSchema"]?["required"], ["city"])
        XCTAssertEqual(sent["toolConfig"], ["functionCallingConfig": ["mode": "ANY", "allowedFunctionNames": ["get_time"]]])
        let config = try XCTUnwrap(sent["generationConfig"])
        XCTAssertEqual(config["maxOutputTokens"], 500)
        XCTAssertEqual(config["temperature"], 0.4)
        XCTAssertEqual(config["topP"], 0.8)
        XCTAssertEqual(config["stopSequences"], ["END"])
        XCTAssertEqual(config["seed"], 3)
        XCTAssertEqual(config["thinkingConfig"], ["thinkingBudget": 1024, "includeThoughts": true])
        // mode ANY makes the fake call the allowed function.
        let call = try XCTUnwrap(result.body["choices"]?[0]?["message"]?["tool_calls"]?[0])
        XCTAssertEqual(call["function"]?["name"], "get_time")
        XCTAssertTrue(call["id"]?.stringValue?.hasPrefix("call_") ?? false, "ids are synthesised")
        XCTAssertEqual(result.body["choices"]?[0]?["finish_reason"], "tool_calls")
        XCTAssertEqual(result.body["choices"]?[0]?["message"]?["reasoning_content"]?.stringValue, reasoning)
        XCTAssertEqual(result.usage, TokenUsage(promptTokens: 20, completionTokens: 28, reasoningTokens: 20))
        Samples.save(result.body, name: "gemini-tool")
    }

    func testToolRoundTripMapsIdsBackToNames() async throws {
        let kit = try ProviderTestKit()
        for id in [modelID, "google/gemini-3-pro-preview"] {
            let model = try ProviderTestKit.model(id)
            let first = try ProviderTestKit.request(#"{"model":"\#(id)","tools":\#(tools),"messages":[{"role":"user","content":"go"}]}"#)
            let result = try await kit.provider(.gemini, scenario: "parallel_tools").complete(first, model: model)
            let message = try XCTUnwrap(result.body["choices"]?[0]?["message"]?.objectValue)
            let calls = try XCTUnwrap(message["tool_calls"]?.arrayValue)
            XCTAssertEqual(calls.count, 2)
            XCTAssertNotEqual(calls[0]["id"], calls[1]["id"])
            var followUp = first
            followUp.json["messages"] = [["role": "user", "content": "go"], .object(message),
                                         ["role": "tool", "tool_call_id": calls[1]["id"]!, "content": "{\"time\":\"noon\"}"],
                                         ["role": "tool", "tool_call_id": calls[0]["id"]!, "content": "sunny"]]
            let second = try await kit.provider(.gemini).complete(followUp, model: model)
            XCTAssertEqual(second.body["choices"]?[0]?["message"]?["content"]?.stringValue, answer, id)
            let sent = try await kit.lastBody()
            let turns = try XCTUnwrap(sent["contents"]?.arrayValue)
            XCTAssertEqual(turns.map { $0["role"]?.stringValue ?? "" }, ["user", "model", "user"])
            XCTAssertEqual(turns[2]["parts"]?[0]?["functionResponse"],
                           ["name": "get_time", "response": ["time": "noon"]])
            XCTAssertEqual(turns[2]["parts"]?[1]?["functionResponse"],
                           ["name": "get_weather", "response": ["result": "sunny"]])
            XCTAssertNotNil(turns[1]["parts"]?[0]?["thoughtSignature"], "the signature rides in the id and comes back")
        }
    }

    func testStreamingTextThinkingAndTools() async throws {
        let kit = try ProviderTestKit()
        let model = try ProviderTestKit.model(modelID)
        let plain = try ProviderTestKit.request(
            #"{"model":"\#(modelID)","stream":true,"reasoning_effort":"medium","messages":[{"role":"user","content":"hi"}]}"#)
        let stream = try await kit.provider(.gemini).stream(plain, model: model)
        let folded = FoldedStream(try await ProviderTestKit.collect(stream, sample: "gemini-stream"))
        XCTAssertEqual(folded.content, answer)
        XCTAssertEqual(folded.reasoning, reasoning)
        XCTAssertEqual(folded.finishReason, "stop")
        XCTAssertEqual(stream.usage, TokenUsage(promptTokens: 20, completionTokens: 28, reasoningTokens: 20))
        let recorded = try await kit.recorded()
        XCTAssertEqual(recorded.last?["path"], "/gemini/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse")

        let tooled = try ProviderTestKit.request(
            #"{"model":"\#(modelID)","stream":true,"tools":\#(tools),"messages":[{"role":"user","content":"go"}]}"#)
        let toolStream = try await kit.provider(.gemini, scenario: "parallel_tools").stream(tooled, model: model)
        let calls = FoldedStream(try await ProviderTestKit.collect(toolStream, sample: "gemini-tools-stream"))
        XCTAssertEqual(calls.toolCalls.count, 2)
        XCTAssertEqual(calls.toolCalls[1]?.name, "get_time")
        XCTAssertEqual(try JSONValue.parse(calls.toolCalls[0]?.arguments ?? ""), ["city": "x"])
        XCTAssertEqual(calls.finishReason, "tool_calls")
    }

    func testJSONResponseFormatAndGemini3ThinkingLevel() async throws {
        let kit = try ProviderTestKit()
        let request = try ProviderTestKit.request("""
        {"model":"google/gemini-3-pro-preview","reasoning_effort":"high","messages":[{"role":"user","content":"json"}],
         "response_format":{"type":"json_schema","json_schema":{"name":"p","schema":{"type":"object",
           "properties":{"name":{"type":"string"}},"required":["name"]}}}}
        """)
        let result = try await kit.provider(.gemini).complete(request, model: try ProviderTestKit.model("google/gemini-3-pro-preview"))
        let sent = try await kit.lastBody()
        XCTAssertEqual(sent["generationConfig"]?["responseMimeType"], "application/json")
        XCTAssertEqual(sent["generationConfig"]?["responseJsonSchema"]?["required"], ["name"])
        XCTAssertEqual(sent["generationConfig"]?["thinkingConfig"], ["thinkingLevel": "high", "includeThoughts": true])
        XCTAssertEqual(try JSONValue.parse(result.body["choices"]?[0]?["message"]?["content"]?.stringValue ?? ""),
                       ["name": "x"])
    }

    func testStreamedJSONAndGoogleOptions() async throws {
        let kit = try ProviderTestKit()
        let request = try ProviderTestKit.request("""
        {"model":"\(modelID)","stream":true,"response_format":{"type":"json_object"},
         "google":{"safetySettings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_NONE"}],
                   "generationConfig":{"topK":3}},
         "messages":[{"role":"user","content":"json"}]}
        """)
        let stream = try await kit.provider(.gemini).stream(request, model: try ProviderTestKit.model(modelID))
        let folded = FoldedStream(try await ProviderTestKit.collect(stream, sample: "gemini-json-stream"))
        XCTAssertEqual(try JSONValue.parse(folded.content), ["answer": "x"])
        let sent = try await kit.lastBody()
        XCTAssertEqual(sent["generationConfig"]?["responseMimeType"], "application/json")
        XCTAssertEqual(sent["generationConfig"]?["topK"], 3)
        XCTAssertEqual(sent["safetySettings"]?[0]?["threshold"], "BLOCK_NONE")
        XCTAssertNil(sent["google"])
    }

    func testCacheUsageSafetyAndBlockedPrompts() async throws {
        let kit = try ProviderTestKit()
        let model = try ProviderTestKit.model(modelID)
        let request = try ProviderTestKit.request(#"{"model":"\#(modelID)","messages":[{"role":"user","content":"hi"}]}"#)
        let cached = try await kit.provider(.gemini, scenario: "cache").complete(request, model: model)
        XCTAssertEqual(cached.usage, TokenUsage(promptTokens: 120, cachedReadTokens: 100, completionTokens: 8))
        XCTAssertEqual(cached.body["usage"]?["prompt_tokens_details"]?["cached_tokens"], 100)

        let unsafe = try await kit.provider(.gemini, scenario: "safety").complete(request, model: model)
        XCTAssertEqual(unsafe.body["choices"]?[0]?["finish_reason"], "content_filter")
        Samples.save(unsafe.body, name: "gemini-safety")
        let blocked = try await kit.provider(.gemini, scenario: "blocked").complete(request, model: model)
        XCTAssertEqual(blocked.body["choices"]?[0]?["finish_reason"], "content_filter")
        XCTAssertNotNil(blocked.body["choices"]?[0]?["message"]?["refusal"]?.stringValue)
        Samples.save(blocked.body, name: "gemini-blocked")

        var streamed = request
        streamed.json["stream"] = true
        let stream = try await kit.provider(.gemini, scenario: "safety").stream(streamed, model: model)
        let folded = FoldedStream(try await ProviderTestKit.collect(stream, sample: "gemini-safety-stream"))
        XCTAssertEqual(folded.finishReason, "content_filter")
        let blockedStream = try await kit.provider(.gemini, scenario: "blocked").stream(streamed, model: model)
        let blockedChunks = try await ProviderTestKit.collect(blockedStream)
        XCTAssertEqual(FoldedStream(blockedChunks).finishReason, "content_filter")
    }

    func testErrors() async throws {
        let kit = try ProviderTestKit()
        let model = try ProviderTestKit.model(modelID)
        let request = try ProviderTestKit.request(#"{"model":"\#(modelID)","messages":[{"role":"user","content":"hi"}]}"#)
        func failure(_ scenario: String?, key: String = "test-key-123") async -> LayersError? {
            do {
                _ = try await kit.provider(.gemini, scenario: scenario, key: key).complete(request, model: model)
                return nil
            } catch { return error as? LayersError }
        }
        let badKey = await failure(nil, key: "bad-key")
        XCTAssertGreaterThanOrEqual(badKey?.status ?? 0, 500, "Gemini's 400 API_KEY_INVALID is our fault, not the client's")
        let limited = await failure("error_429")
        XCTAssertEqual(limited, .providerRateLimited(provider: "google", model: modelID, retryAfterSeconds: 7,
                                                     message: "fake gemini error 429"), "RetryInfo.retryDelay is passed on")
        let unavailable = await failure("error_503")
        XCTAssertEqual(unavailable?.status, 503)
        let rejected = await failure("error_400")
        XCTAssertEqual(rejected, .providerRejectedRequest(provider: "google", model: modelID, message: "fake gemini error 400"))

        var streamed = request
        streamed.json["stream"] = true
        for scenario in ["midstream_error", "cut"] {
            let stream = try await kit.provider(.gemini, scenario: scenario).stream(streamed, model: model)
            do {
                for try await _ in stream {}
                XCTFail("\(scenario) must fail")
            } catch let error as LayersError {
                XCTAssertGreaterThanOrEqual(error.status, 500)
            }
            XCTAssertEqual(stream.usage.promptTokens, 20, "\(scenario): usage so far is kept")
        }
    }

    func testRequestBuilderRejectsUnknownToolIDs() throws {
        let model = try ProviderTestKit.model(modelID)
        XCTAssertThrowsError(try GeminiRequestBuilder.build(try ProviderTestKit.request("""
        {"model":"m","messages":[{"role":"user","content":"x"},{"role":"tool","tool_call_id":"nope","content":"r"}]}
        """).json, model: model)) { error in
            guard case .invalidRequest(_, let param, _)? = error as? LayersError else { return XCTFail("\(error)") }
            XCTAssertEqual(param, "messages[1].tool_call_id")
        }
        XCTAssertEqual(GeminiToolCallID.signature(from: GeminiToolCallID.make(signature: "c2ln")), "c2ln")
        XCTAssertNil(GeminiToolCallID.signature(from: GeminiToolCallID.make(signature: nil)))
    }
}
