import LayersCore
import XCTest
@testable import LayersGateway

final class AnthropicInboundResponseTests: XCTestCase {
    func testTextReasoningAndToolCallsBecomeBlocks() throws {
        let completion = try JSONValue.parse("""
        {"id":"chatcmpl-abc","object":"chat.completion","created":1,"model":"gpt-4o",
         "choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":"Let me check.",
           "reasoning_content":"thinking...",
           "tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
                         {"id":"call_2","type":"function","function":{"name":"noop","arguments":""}}]}}],
         "usage":{"prompt_tokens":100,"completion_tokens":20,"total_tokens":120,"prompt_tokens_details":{"cached_tokens":40}},
         "layers":{"credits_used":0.5}}
        """)
        let message = AnthropicInboundResponseTranslator().translate(completion, model: "openai/gpt-4o")
        XCTAssertEqual(message["id"], "msg_abc")
        XCTAssertEqual(message["type"], "message")
        XCTAssertEqual(message["role"], "assistant")
        XCTAssertEqual(message["model"], "openai/gpt-4o")
        let content = try XCTUnwrap(message["content"]?.arrayValue)
        XCTAssertEqual(content.map { $0["type"]?.stringValue ?? "" }, ["thinking", "text", "tool_use", "tool_use"])
        XCTAssertEqual(content[0]["thinking"], "thinking...")
        XCTAssertEqual(content[1]["text"], "Let me check.")
        XCTAssertEqual(content[2]["id"], "call_1")
        XCTAssertEqual(content[2]["input"], ["city": "Paris"])
        XCTAssertEqual(content[3]["input"], .object(JSONObject()))
        XCTAssertEqual(message["stop_reason"], "tool_use")
        XCTAssertEqual(message["stop_sequence"], .null)
        XCTAssertEqual(message["usage"]?["input_tokens"]?.intValue, 60)
        XCTAssertEqual(message["usage"]?["cache_read_input_tokens"]?.intValue, 40)
        XCTAssertEqual(message["usage"]?["cache_creation_input_tokens"]?.intValue, 0)
        XCTAssertEqual(message["usage"]?["output_tokens"]?.intValue, 20)
        XCTAssertEqual(message["layers"]?["credits_used"]?.numberValue?.text, "0.5")
    }

    func testAnthropicThinkingBlocksKeepTheirSignatures() throws {
        let completion = try JSONValue.parse("""
        {"id":"chatcmpl-1","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"42",
          "reasoning_content":"think","thinking_blocks":[{"type":"thinking","thinking":"think","signature":"c2ln"},
          {"type":"redacted_thinking","data":"ZGF0YQ=="}]}}],"usage":{"prompt_tokens":1,"completion_tokens":2}}
        """)
        let message = AnthropicInboundResponseTranslator().translate(completion, model: "anthropic/claude-sonnet-4.5")
        XCTAssertEqual(message["content"], [["type": "thinking", "thinking": "think", "signature": "c2ln"],
                                            ["type": "redacted_thinking", "data": "ZGF0YQ=="],
                                            ["type": "text", "text": "42"]])
    }

    func testFinishReasonsMap() {
        XCTAssertEqual(AnthropicInboundStopReason.from(finishReason: "stop"), "end_turn")
        XCTAssertEqual(AnthropicInboundStopReason.from(finishReason: "length"), "max_tokens")
        XCTAssertEqual(AnthropicInboundStopReason.from(finishReason: "tool_calls"), "tool_use")
        XCTAssertEqual(AnthropicInboundStopReason.from(finishReason: "content_filter"), "refusal")
        XCTAssertEqual(AnthropicInboundStopReason.from(finishReason: nil), "end_turn")
    }

    func testAnthropicUsageToBilledUsage() throws {
        let usage = try JSONValue.parse("""
        {"input_tokens":10,"cache_creation_input_tokens":200,"cache_read_input_tokens":300,"output_tokens":50,
         "cache_creation":{"ephemeral_5m_input_tokens":150,"ephemeral_1h_input_tokens":50},
         "server_tool_use":{"web_search_requests":2}}
        """)
        let billed = AnthropicInboundUsage.tokenUsage(fromAnthropic: usage)
        XCTAssertEqual(billed.promptTokens, 510)
        XCTAssertEqual(billed.cachedReadTokens, 300)
        XCTAssertEqual(billed.cacheWrite5mTokens, 150)
        XCTAssertEqual(billed.cacheWrite1hTokens, 50)
        XCTAssertEqual(billed.completionTokens, 50)
        XCTAssertEqual(billed.webSearchRequests, 2)
        XCTAssertEqual(billed.uncachedPromptTokens, 10)
    }
}
