import XCTest
import LayersCore
import LayersCredits
@testable import LayersGateway

/// The Anthropic adapter against the Python fake (which validates roles, block order, tool_result placement,
/// thinking rules and cache_control like the real API).
final class AnthropicProviderTests: XCTestCase {
    let answer = "Hello from the fake provider."
    let reasoning = "Let me think about this step by step."
    let modelID = "anthropic/claude-sonnet-4.5"
    let tools = """
    [{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object",
      "properties":{"city":{"type":"string"}},"required":["city"]}}},
     {"type":"function","function":{"name":"get_time","parameters":{"type":"object","properties":{"tz":{"type":"string"}}}}}]
    """

    func testRequestTranslation() async throws {
        let kit = try ProviderTestKit()
        let model = try ProviderTestKit.model(modelID)
        let request = try ProviderTestKit.request("""
        {"model":"\(modelID)","temperature":1.5,"top_p":0.9,"stop":["END","  "],"user":"u-1",
         "tools":\(tools),"tool_choice":"required","parallel_tool_calls":false,
         "messages":[{"role":"system","content":"You are terse."},{"role":"developer","content":"Use metric."},
          {"role":"user","content":[{"type":"text","text":"look"},
            {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
            {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}},
            {"type":"file","file":{"filename":"a.pdf","file_data":"data:application/pdf;base64,JVBERi0="}}]}]}
        """)
        let result = try await kit.provider(.anthropic, scenario: "tool_call").complete(request, model: model)
        let sent = try await kit.lastBody()
        let headers = try await kit.lastHeaders()
        XCTAssertEqual(headers["x-api-key"], "test-key-123")
        XCTAssertEqual(headers["anthropic-version"], "2023-06-01")
        XCTAssertNil(headers["authorization"])
        XCTAssertEqual(sent["model"], .string(model.upstreamName))
        XCTAssertEqual(sent["max_tokens"]?.intValue, model.maxOutputTokens, "max_tokens defaults to the model's")
        XCTAssertEqual(sent["system"], [["type": "text", "text": "You are terse."], ["type": "text", "text": "Use metric."]])
        XCTAssertEqual(sent["temperature"], 1, "OpenAI's 0...2 is clamped to Anthropic's 0...1")
        XCTAssertNil(sent["top_p"], "Claude 4.1+ refuses temperature with top_p (the fake too)")
        XCTAssertEqual(sent["stop_sequences"], ["END"], "whitespace-only stop sequences are dropped")
        XCTAssertEqual(sent["metadata"]?["user_id"], "u-1")
        XCTAssertEqual(sent["tool_choice"], ["type": "any", "disable_parallel_tool_use": true])
        XCTAssertEqual(sent["tools"]?[0]?["input_schema"]?["required"], ["city"])
        let blocks = try XCTUnwrap(sent["messages"]?[0]?["content"]?.arrayValue)
        XCTAssertEqual(blocks.map { $0["type"]?.stringValue ?? "" }, ["text", "image", "image", "document"])
        XCTAssertEqual(blocks[1]["source"], ["type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="])
        XCTAssertEqual(blocks[2]["source"], ["type": "url", "url": "https://example.com/cat.jpg"])
        XCTAssertEqual(blocks[3]["source"]?["media_type"], "application/pdf")
        XCTAssertEqual(result.body["choices"]?[0]?["finish_reason"], "tool_calls")
        Samples.save(result.body, name: "anthropic-tool")
    }

    func testToolUseRoundTripMergesResultsIntoOneUserTurn() async throws {
        let kit = try ProviderTestKit()
        let model = try ProviderTestKit.model(modelID)
        let first = try ProviderTestKit.request(#"{"model":"\#(modelID)","tools":\#(tools),"messages":[{"role":"user","content":"go"}]}"#)
        let result = try await kit.provider(.anthropic, scenario: "parallel_tools").complete(first, model: model)
        let message = try XCTUnwrap(result.body["choices"]?[0]?["message"]?.objectValue)
        let calls = try XCTUnwrap(message["tool_calls"]?.arrayValue)
        XCTAssertEqual(calls.count, 2)
        XCTAssertTrue(calls[0]["id"]?.stringValue?.hasPrefix("toolu_") ?? false)
        XCTAssertEqual(try JSONValue.parse(calls[0]["function"]?["arguments"]?.stringValue ?? ""), ["city": "x"])
        XCTAssertEqual(message["content"], .null)

        var followUp = first
        followUp.json["messages"] = [["role": "user", "content": "go"], .object(message),
                                     ["role": "tool", "tool_call_id": calls[0]["id"]!, "content": "sunny"],
                                     ["role": "tool", "tool_call_id": calls[1]["id"]!,
                                      "content": [["type": "text", "text": "12:00"]]],
                                     ["role": "user", "content": "and tomorrow?"]]
        let second = try await kit.provider(.anthropic).complete(followUp, model: model)
        XCTAssertEqual(second.body["choices"]?[0]?["message"]?["content"]?.stringValue, answer)
        let sent = try await kit.lastBody()
        let turns = try XCTUnwrap(sent["messages"]?.arrayValue)
        XCTAssertEqual(turns.map { $0["role"]?.stringValue ?? "" }, ["user", "assistant", "user"])
        XCTAssertEqual(turns[2]["content"]?.arrayValue?.map { $0["type"]?.stringValue ?? "" },
                       ["tool_result", "tool_result", "text"])
        XCTAssertEqual(turns[1]["content"]?[0]?["type"], "tool_use")
        XCTAssertEqual(turns[1]["content"]?[0]?["input"], ["city": "x"])
    }

    func testStreamedParallelToolCalls() async throws {
        let kit = try ProviderTestKit()
        var request = try ProviderTestKit.request(#"{"model":"\#(modelID)","tools":\#(tools),"messages":[{"role":"user","content":"go"}]}"#)
        request.json["stream"] = true
        let stream = try await kit.provider(.anthropic, scenario: "parallel_tools").stream(request, model: try ProviderTestKit.model(modelID))
        let chunks = try await ProviderTestKit.collect(stream, sample: "anthropic-tools-stream")
        let folded = FoldedStream(chunks)
        XCTAssertEqual(folded.toolCalls.count, 2)
        XCTAssertEqual(folded.toolCalls[0]?.name, "get_weather")
        XCTAssertEqual(folded.toolCalls[1]?.name, "get_time")
        XCTAssertEqual(try JSONValue.parse(folded.toolCalls[1]?.arguments ?? ""), ["tz": "x"])
        XCTAssertEqual(folded.finishReason, "tool_calls")
        XCTAssertEqual(stream.usage, TokenUsage(promptTokens: 20, completionTokens: 8))
    }

    func testThinkingIsReturnedAndItsBlocksGoBackOnTheNextTurn() async throws {
        let kit = try ProviderTestKit()
        let model = try ProviderTestKit.model(modelID)
        let first = try ProviderTestKit.request("""
        {"model":"\(modelID)","reasoning_effort":"high","max_tokens":1000,"temperature":0.3,"tools":\(tools),
         "messages":[{"role":"user","content":"go"}]}
        """)
        let result = try await kit.provider(.anthropic, scenario: "tool_call").complete(first, model: model)
        var sent = try await kit.lastBody()
        XCTAssertEqual(sent["thinking"], ["type": "enabled", "budget_tokens": 16384])
        XCTAssertEqual(sent["max_tokens"], 17384, "max_tokens is raised above the thinking budget")
        XCTAssertNil(sent["temperature"], "thinking requires the default temperature")
        let message = try XCTUnwrap(result.body["choices"]?[0]?["message"]?.objectValue)
        XCTAssertEqual(message["reasoning_content"]?.stringValue, reasoning)
        XCTAssertEqual(message["thinking_blocks"]?[0]?["signature"]?.stringValue?.hasPrefix("sig_fake_"), true)
        XCTAssertEqual(result.usage.completionTokens, 28)
        XCTAssertGreaterThan(result.usage.reasoningTokens, 0)
        Samples.save(result.body, name: "anthropic-thinking")

        // The fake (like Anthropic) rejects a tool-use continuation with thinking on unless the thinking block
        // comes back first in the assistant turn.
        let call = try XCTUnwrap(message["tool_calls"]?[0])
        var followUp = first
        followUp.json["messages"] = [["role": "user", "content": "go"], .object(message),
                                     ["role": "tool", "tool_call_id": call["id"]!, "content": "sunny"]]
        _ = try await kit.provider(.anthropic).complete(followUp, model: model)
        sent = try await kit.lastBody()
        XCTAssertEqual(sent["messages"]?[1]?["content"]?[0]?["type"], "thinking")
        XCTAssertNotNil(sent["thinking"])

        // A client that drops thinking_blocks still gets an answer: thinking is left off for that turn.
        var stripped = message
        stripped.removeValue(forKey: "thinking_blocks")
        followUp.json["messages"] = [["role": "user", "content": "go"], .object(stripped),
                                     ["role": "tool", "tool_call_id": call["id"]!, "content": "sunny"]]
        _ = try await kit.provider(.anthropic).complete(followUp, model: model)
        sent = try await kit.lastBody()
        XCTAssertNil(sent["thinking"])
    }

    func testStreamedThinking() async throws {
        let kit = try ProviderTestKit()
        let request = try ProviderTestKit.request("""
        {"model":"\(modelID)","stream":true,"thinking":{"type":"enabled","budget_tokens":2048},
         "messages":[{"role":"user","content":"think"}]}
        """)
        let stream = try await kit.provider(.anthropic).stream(request, model: try ProviderTestKit.model(modelID))
        let folded = FoldedStream(try await ProviderTestKit.collect(stream, sample: "anthropic-thinking-stream"))
        XCTAssertEqual(folded.reasoning, reasoning)
        XCTAssertEqual(folded.content, answer)
        XCTAssertEqual(folded.thinkingBlocks.first?["thinking"]?.stringValue, reasoning)
        XCTAssertEqual(folded.thinkingBlocks.first?["signature"]?.stringValue?.hasPrefix("sig_fake_"), true)
        XCTAssertEqual(folded.finishReason, "stop")
        XCTAssertEqual(stream.usage.completionTokens, 28)
    }

    func testCacheControlPassesThroughAndCacheUsageIsNormalised() async throws {
        let kit = try ProviderTestKit()
        let model = try ProviderTestKit.model(modelID)
        let request = try ProviderTestKit.request("""
        {"model":"\(modelID)",
         "tools":[{"type":"function","cache_control":{"type":"ephemeral"},"function":{"name":"f","parameters":{"type":"object"}}}],
         "messages":[{"role":"system","content":[{"type":"text","text":"long system","cache_control":{"type":"ephemeral","ttl":"1h"}}]},
                     {"role":"user","content":[{"type":"text","text":"doc","cache_control":{"type":"ephemeral"}},{"type":"text","text":"q"}]}]}
        """)
        let result = try await kit.provider(.anthropic).complete(request, model: model)
        let sent = try await kit.lastBody()
        XCTAssertEqual(sent["system"]?[0]?["cache_control"], ["type": "ephemeral", "ttl": "1h"])
        XCTAssertEqual(sent["tools"]?[0]?["cache_control"], ["type": "ephemeral"])
        XCTAssertEqual(sent["messages"]?[0]?["content"]?[0]?["cache_control"], ["type": "ephemeral"])
        // input 10 + read 100 + write 20 (1h, because a 1h breakpoint was sent)
        XCTAssertEqual(result.usage, TokenUsage(promptTokens: 130, cachedReadTokens: 100, cacheWrite1hTokens: 20,
                                                completionTokens: 8))
        XCTAssertEqual(result.body["usage"]?["prompt_tokens"], 130)
        XCTAssertEqual(result.body["usage"]?["prompt_tokens_details"]?["cached_tokens"], 100)
        Samples.save(result.body, name: "anthropic-cache")

        var streamed = try ProviderTestKit.request(
            #"{"model":"\#(modelID)","stream":true,"cache":true,"messages":[{"role":"system","content":"s"},{"role":"user","content":"q"}]}"#)
        streamed.json["stream"] = true
        let stream = try await kit.provider(.anthropic).stream(streamed, model: model)
        _ = try await ProviderTestKit.collect(stream)
        let cached = try await kit.lastBody()
        XCTAssertEqual(cached["system"]?[0]?["cache_control"], ["type": "ephemeral"], "cache: true adds breakpoints")
        XCTAssertEqual(stream.usage, TokenUsage(promptTokens: 130, cachedReadTokens: 100, cacheWrite5mTokens: 20,
                                                completionTokens: 8))
    }

    func testResponseFormatJSONSchemaUsesAForcedTool() async throws {
        let kit = try ProviderTestKit()
        let model = try ProviderTestKit.model(modelID)
        let request = try ProviderTestKit.request("""
        {"model":"\(modelID)","messages":[{"role":"user","content":"json please"}],
         "response_format":{"type":"json_schema","json_schema":{"name":"person","schema":{"type":"object",
           "properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["name","age"]}}}}
        """)
        let result = try await kit.provider(.anthropic).complete(request, model: model)
        let sent = try await kit.lastBody()
        XCTAssertEqual(sent["tool_choice"], ["type": "tool", "name": "person"])
        let content = try XCTUnwrap(result.body["choices"]?[0]?["message"]?["content"]?.stringValue)
        XCTAssertEqual(try JSONValue.parse(content), ["name": "x", "age": 1])
        XCTAssertEqual(result.body["choices"]?[0]?["finish_reason"], "stop")
        XCTAssertNil(result.body["choices"]?[0]?["message"]?["tool_calls"])

        // A non-object schema is wrapped for the tool and unwrapped in the answer, streamed too.
        var list = try ProviderTestKit.request("""
        {"model":"\(modelID)","stream":true,"messages":[{"role":"user","content":"list"}],
         "response_format":{"type":"json_schema","json_schema":{"name":"tags","schema":{"type":"array","items":{"type":"string"}}}}}
        """)
        let folded = FoldedStream(try await ProviderTestKit.collect(
            try await kit.provider(.anthropic).stream(list, model: model), sample: "anthropic-json-stream"))
        XCTAssertEqual(try JSONValue.parse(folded.content), ["x"])
        XCTAssertEqual(folded.finishReason, "stop")
        list.json["stream"] = false
        let whole = try await kit.provider(.anthropic).complete(list, model: model)
        XCTAssertEqual(try JSONValue.parse(whole.body["choices"]?[0]?["message"]?["content"]?.stringValue ?? ""), ["x"])
    }

    func testStopReasons() async throws {
        let kit = try ProviderTestKit()
        let model = try ProviderTestKit.model(modelID)
        let request = try ProviderTestKit.request(
            #"{"model":"\#(modelID)","stop":"DONE","messages":[{"role":"user","content":"hi"}]}"#)
        let length = try await kit.provider(.anthropic, scenario: "length").complete(request, model: model)
        XCTAssertEqual(length.body["choices"]?[0]?["finish_reason"], "length")
        let stop = try await kit.provider(.anthropic, scenario: "stop_sequence").complete(request, model: model)
        XCTAssertEqual(stop.body["choices"]?[0]?["finish_reason"], "stop")
    }

    func testWebSearchRequestsAreCounted() async throws {
        let kit = try ProviderTestKit()
        let request = try ProviderTestKit.request(
            #"{"model":"\#(modelID)","web_search":true,"messages":[{"role":"user","content":"news"}]}"#)
        let result = try await kit.provider(.anthropic, scenario: "web_search")
            .complete(request, model: try ProviderTestKit.model(modelID))
        XCTAssertEqual(result.usage.webSearchRequests, 2)
        let sent = try await kit.lastBody()
        XCTAssertEqual(sent["tools"]?[0]?["type"], "web_search_20250305")
    }

    func testErrors() async throws {
        let kit = try ProviderTestKit()
        let model = try ProviderTestKit.model(modelID)
        let request = try ProviderTestKit.request(#"{"model":"\#(modelID)","messages":[{"role":"user","content":"hi"}]}"#)
        func failure(_ scenario: String?, key: String = "test-key-123") async -> LayersError? {
            do {
                _ = try await kit.provider(.anthropic, scenario: scenario, key: key).complete(request, model: model)
                return nil
            } catch { return error as? LayersError }
        }
        let overloaded = await failure("error_529")
        XCTAssertEqual(overloaded, .providerOverloaded(provider: "anthropic", model: modelID, retryAfterSeconds: nil))
        XCTAssertEqual(overloaded?.status, 503)
        let limited = await failure("error_429")
        XCTAssertEqual(limited, .providerRateLimited(provider: "anthropic", model: modelID, retryAfterSeconds: 7,
                                                     message: "fake anthropic error 429"))
        let rejected = await failure("error_400")
        XCTAssertEqual(rejected, .providerRejectedRequest(provider: "anthropic", model: modelID,
                                                          message: "fake anthropic error 400"))
        let refused = await failure(nil, key: "bad-key")
        XCTAssertGreaterThanOrEqual(refused?.status ?? 0, 500, "our bad upstream key is never the client's 401")
    }

    func testMidStreamErrorEventAndCutStream() async throws {
        let kit = try ProviderTestKit()
        let model = try ProviderTestKit.model(modelID)
        let request = try ProviderTestKit.request(
            #"{"model":"\#(modelID)","stream":true,"messages":[{"role":"user","content":"hi"}]}"#)
        let stream = try await kit.provider(.anthropic, scenario: "thinking,midstream_error").stream(request, model: model)
        do {
            for try await _ in stream {}
            XCTFail("the error event must surface")
        } catch let error as LayersError {
            XCTAssertEqual(error, .providerOverloaded(provider: "anthropic", model: modelID))
        }
        XCTAssertEqual(stream.usage.promptTokens, 20, "input tokens from message_start are kept")
        XCTAssertTrue(stream.usageIsEstimated)
        XCTAssertGreaterThan(stream.usage.completionTokens, 0)

        let cut = try await kit.provider(.anthropic, scenario: "thinking,cut").stream(request, model: model)
        do {
            for try await _ in cut {}
            XCTFail("a cut stream must fail")
        } catch let error as LayersError {
            guard case .providerError = error else { return XCTFail("\(error)") }
        }
        XCTAssertFalse(cut.completed)
    }

    func testToolResultImagesOptionsAndBetaHeader() async throws {
        let kit = try ProviderTestKit()
        let model = try ProviderTestKit.model(modelID)
        let request = try ProviderTestKit.request("""
        {"model":"\(modelID)","tools":\(tools),"anthropic":{"top_k":5,"betas":["files-api-2025-04-14","x-1"]},
         "messages":[{"role":"user","content":"draw"},
          {"role":"assistant","content":"Calling.","tool_calls":[{"id":"toolu_a","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Oslo\\"}"}}]},
          {"role":"tool","tool_call_id":"toolu_a","content":[{"type":"text","text":"see image"},
            {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQ"}}]}]}
        """)
        let result = try await kit.provider(.anthropic).complete(request, model: model)
        let sent = try await kit.lastBody()
        let headers = try await kit.lastHeaders()
        XCTAssertEqual(headers["anthropic-beta"], "files-api-2025-04-14,x-1")
        XCTAssertEqual(sent["top_k"], 5)
        XCTAssertNil(sent["betas"])
        XCTAssertNil(sent["anthropic"])
        XCTAssertEqual(sent["messages"]?[1]?["content"]?.arrayValue?.map { $0["type"]?.stringValue ?? "" }, ["text", "tool_use"])
        XCTAssertEqual(sent["messages"]?[1]?["content"]?[1]?["input"], ["city": "Oslo"])
        let toolResult = try XCTUnwrap(sent["messages"]?[2]?["content"]?[0])
        XCTAssertEqual(toolResult["type"], "tool_result")
        XCTAssertEqual(toolResult["content"]?[1]?["source"]?["media_type"], "image/jpeg")
        XCTAssertEqual(result.body["choices"]?[0]?["message"]?["content"]?.stringValue, answer)
        Samples.save(result.body, name: "anthropic-plain")
    }

    func testStreamStopSequenceAndLength() async throws {
        let kit = try ProviderTestKit()
        let model = try ProviderTestKit.model(modelID)
        let request = try ProviderTestKit.request(
            #"{"model":"\#(modelID)","stream":true,"stop":["DONE"],"messages":[{"role":"user","content":"hi"}]}"#)
        for (scenario, expected) in [("stop_sequence", "stop"), ("length", "length")] {
            let stream = try await kit.provider(.anthropic, scenario: scenario).stream(request, model: model)
            let folded = FoldedStream(try await ProviderTestKit.collect(stream, sample: "anthropic-\(scenario)-stream"))
            XCTAssertEqual(folded.finishReason, expected)
            XCTAssertEqual(stream.finishReason, expected)
            XCTAssertEqual(folded.content, answer)
        }
        let sent = try await kit.lastBody()
        XCTAssertEqual(sent["stop_sequences"], ["DONE"])
    }

    func testRequestBuilderUnits() throws {
        let model = try ProviderTestKit.model(modelID)
        // An assistant-first conversation gets a placeholder user turn; named tool choice; no parallel.
        let (body, plan) = try AnthropicRequestBuilder.build(try ProviderTestKit.request("""
        {"model":"m","tools":\(tools),"tool_choice":{"type":"function","function":{"name":"get_time"}},
         "messages":[{"role":"assistant","content":"Hi!"},{"role":"user","content":"hello"}]}
        """).json, model: model, stream: false)
        XCTAssertEqual(body["messages"]?[0]?["role"], "user")
        XCTAssertEqual(body["tool_choice"], ["type": "tool", "name": "get_time"])
        XCTAssertNil(plan.jsonToolName)
        XCTAssertThrowsError(try AnthropicRequestBuilder.build(try ProviderTestKit.request("""
        {"model":"m","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"x","format":"wav"}}]}]}
        """).json, model: model, stream: false)) { error in
            guard case .invalidRequest(_, let param, _)? = error as? LayersError else { return XCTFail("\(error)") }
            XCTAssertEqual(param, "messages[0].content[0]")
        }
        XCTAssertThrowsError(try AnthropicRequestBuilder.build(try ProviderTestKit.request("""
        {"model":"m","messages":[{"role":"user","content":"x"},{"role":"assistant","tool_calls":[{"id":"a","type":"function",
          "function":{"name":"f","arguments":"not json"}}]}]}
        """).json, model: model, stream: false))
    }
}
