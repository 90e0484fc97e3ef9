import XCTest
import LayersCore
import LayersCredits
@testable import LayersGateway

/// The adapters' mapping tables, value by value (the fakes cover the wire; these cover every row).
final class AdapterMappingTableTests: XCTestCase {
    let tools = """
    [{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]
    """

    private func anthropic(_ json: String, model: String = "anthropic/claude-sonnet-4.5") throws -> (JSONObject, AnthropicPlan) {
        try AnthropicRequestBuilder.build(try ProviderTestKit.request(json).json, model: try ProviderTestKit.model(model),
                                          stream: false)
    }

    private func gemini(_ json: String, model: String = "google/gemini-2.5-flash") throws -> JSONObject {
        try GeminiRequestBuilder.build(try ProviderTestKit.request(json).json, model: try ProviderTestKit.model(model))
    }

    func testAnthropicToolChoiceRows() throws {
        let rows: [(String, JSONValue?)] = [
            (#""auto""#, ["type": "auto"]),
            (#""none""#, ["type": "none"]),
            (#""required""#, ["type": "any"]),
            (#"{"type":"function","function":{"name":"get_weather"}}"#, ["type": "tool", "name": "get_weather"]),
        ]
        for (choice, expected) in rows {
            let (body, _) = try anthropic(#"{"model":"m","tools":\#(tools),"tool_choice":\#(choice),"messages":[{"role":"user","content":"x"}]}"#)
            XCTAssertEqual(body["tool_choice"], expected, choice)
        }
        // Parallel calls off: added to whichever choice applies, except none.
        let (auto, _) = try anthropic(#"{"model":"m","tools":\#(tools),"parallel_tool_calls":false,"messages":[{"role":"user","content":"x"}]}"#)
        XCTAssertEqual(auto["tool_choice"], ["type": "auto", "disable_parallel_tool_use": true])
        let (none, _) = try anthropic(#"{"model":"m","tools":\#(tools),"tool_choice":"none","parallel_tool_calls":false,"messages":[{"role":"user","content":"x"}]}"#)
        XCTAssertEqual(none["tool_choice"], ["type": "none"])
    }

    func testAnthropicJSONObjectAndThinkingBudget() throws {
        let (json, plan) = try anthropic(#"{"model":"m","response_format":{"type":"json_object"},"reasoning_effort":"high","messages":[{"role":"developer","content":"Be exact."},{"role":"user","content":"x"}]}"#)
        XCTAssertEqual(plan.jsonToolName, "json_response")
        XCTAssertEqual(json["tool_choice"], ["type": "tool", "name": "json_response"])
        XCTAssertEqual(json["tools"]?[0]?["input_schema"]?["type"], "object")
        XCTAssertNil(json["thinking"], "Anthropic forbids thinking with a forced tool")
        XCTAssertEqual(json["system"], "Be exact.", "developer messages go to system")

        // A budget at or above max_tokens raises max_tokens to budget + requested (the budget is extra room).
        let (thinking, plan2) = try anthropic(#"{"model":"m","max_tokens":1000,"reasoning_effort":"medium","messages":[{"role":"user","content":"x"}]}"#)
        XCTAssertEqual(thinking["thinking"], ["type": "enabled", "budget_tokens": 8192])
        XCTAssertEqual(thinking["max_tokens"], 9192)
        XCTAssertTrue(plan2.thinkingEnabled)
        // reasoning_effort none: no thinking.
        let (off, _) = try anthropic(#"{"model":"m","reasoning_effort":"none","messages":[{"role":"user","content":"x"}]}"#)
        XCTAssertNil(off["thinking"])
        let (topP, _) = try anthropic(#"{"model":"m","top_p":0.5,"messages":[{"role":"user","content":"x"}]}"#)
        XCTAssertEqual(topP["top_p"], 0.5, "top_p alone is kept")
    }

    func testAnthropicResponseStopReasonsAndRefusal() throws {
        let model = try ProviderTestKit.model("anthropic/claude-sonnet-4.5")
        let context = ProviderContext(provider: "anthropic", model: model.id)
        for (reason, expected) in [("end_turn", "stop"), ("stop_sequence", "stop"), ("max_tokens", "length"),
                                   ("tool_use", "tool_calls"), ("refusal", "content_filter"), ("pause_turn", "stop")] {
            let message: JSONObject = ["id": "msg_1", "content": [["type": "text", "text": "hi"]],
                                       "stop_reason": .string(reason),
                                       "usage": ["input_tokens": 3, "output_tokens": 2, "cache_read_input_tokens": 5]]
            let (body, usage) = try AnthropicResponse.translate(message, plan: AnthropicPlan(), model: model, context: context)
            XCTAssertEqual(body["choices"]?[0]?["finish_reason"]?.stringValue, expected, reason)
            XCTAssertEqual(usage.promptTokens, 8, "Anthropic's input_tokens excludes cache reads")
            XCTAssertEqual(body["usage"]?["total_tokens"], 10)
        }
    }

    func testGeminiToolConfigRows() throws {
        let rows: [(String, JSONValue)] = [
            (#""auto""#, ["mode": "AUTO"]),
            (#""none""#, ["mode": "NONE"]),
            (#""required""#, ["mode": "ANY"]),
            (#"{"type":"function","function":{"name":"get_weather"}}"#, ["mode": "ANY", "allowedFunctionNames": ["get_weather"]]),
        ]
        for (choice, expected) in rows {
            let body = try gemini(#"{"model":"m","tools":\#(tools),"tool_choice":\#(choice),"messages":[{"role":"user","content":"x"}]}"#)
            XCTAssertEqual(body["toolConfig"]?["functionCallingConfig"], expected, choice)
        }
        let noTools = try gemini(#"{"model":"m","tool_choice":"auto","messages":[{"role":"user","content":"x"}]}"#)
        XCTAssertNil(noTools["toolConfig"], "Gemini rejects a toolConfig without declarations")
    }

    func testGeminiThinkingAndJSONRows() throws {
        func config(_ effort: String, _ model: String) throws -> JSONValue? {
            try gemini(#"{"model":"m","reasoning_effort":"\#(effort)","messages":[{"role":"user","content":"x"}]}"#,
                       model: model)["generationConfig"]?["thinkingConfig"]
        }
        XCTAssertEqual(try config("minimal", "google/gemini-2.5-flash"), ["thinkingBudget": 0, "includeThoughts": false])
        XCTAssertEqual(try config("minimal", "google/gemini-2.5-pro"), ["thinkingBudget": 128, "includeThoughts": true],
                       "2.5 Pro cannot turn thinking off")
        XCTAssertEqual(try config("high", "google/gemini-2.5-flash"), ["thinkingBudget": 24576, "includeThoughts": true])
        XCTAssertEqual(try config("low", "google/gemini-3-pro-preview"), ["thinkingLevel": "low", "includeThoughts": true])

        let json = try gemini(#"{"model":"m","response_format":{"type":"json_object"},"messages":[{"role":"user","content":"x"}]}"#)
        XCTAssertEqual(json["generationConfig"]?["responseMimeType"], "application/json")
        XCTAssertNil(json["generationConfig"]?["responseJsonSchema"])
    }

    func testGeminiFinishReasonRows() {
        let rows: [(String?, Bool, String?)] = [
            ("STOP", false, "stop"), ("STOP", true, "tool_calls"), ("MAX_TOKENS", false, "length"),
            ("SAFETY", false, "content_filter"), ("RECITATION", false, "content_filter"),
            ("BLOCKLIST", false, "content_filter"), ("PROHIBITED_CONTENT", false, "content_filter"),
            ("SPII", false, "content_filter"), ("IMAGE_SAFETY", false, "content_filter"),
            ("LANGUAGE", false, "content_filter"), ("MALFORMED_FUNCTION_CALL", false, "stop"),
            ("OTHER", false, "stop"), (nil, false, nil),
        ]
        for (reason, calls, expected) in rows {
            XCTAssertEqual(geminiFinishReason(reason, hasToolCalls: calls), expected, reason ?? "nil")
        }
    }

    func testGeminiUsageConvention() {
        // promptTokenCount includes the cached tokens; thoughts bill as output.
        let usage = GeminiUsage.tokenUsage(["promptTokenCount": 120, "cachedContentTokenCount": 100,
                                            "candidatesTokenCount": 8, "thoughtsTokenCount": 20,
                                            "toolUsePromptTokenCount": 5])
        XCTAssertEqual(usage, TokenUsage(promptTokens: 125, cachedReadTokens: 100, completionTokens: 28,
                                         reasoningTokens: 20))
        let rendered = OpenAIUsage(usage).toJSON()
        XCTAssertEqual(rendered["total_tokens"], 153)
        XCTAssertEqual(rendered["completion_tokens_details"]?["reasoning_tokens"], 20)
    }

    func testAudioInputTokensAreReadFromBothUsageShapes() {
        // Gemini: AUDIO in promptTokensDetails, less the cached audio in cacheTokensDetails.
        let gemini = GeminiUsage.tokenUsage([
            "promptTokenCount": 1000, "cachedContentTokenCount": 200, "candidatesTokenCount": 10,
            "promptTokensDetails": [["modality": "TEXT", "tokenCount": 300], ["modality": "AUDIO", "tokenCount": 700]],
            "cacheTokensDetails": [["modality": "AUDIO", "tokenCount": 200]],
        ])
        XCTAssertEqual(gemini.audioPromptTokens, 500)
        XCTAssertEqual(gemini.uncachedAudioPromptTokens, 500)
        XCTAssertEqual(GeminiUsage.tokenUsage(["promptTokenCount": 5]).audioPromptTokens, 0)
        // OpenAI: prompt_tokens_details.audio_tokens.
        let openAI = OpenAIUsageMapping.tokenUsage(
            ["prompt_tokens": 90, "completion_tokens": 3, "prompt_tokens_details": ["audio_tokens": 64, "cached_tokens": 0]],
            request: nil)
        XCTAssertEqual(openAI.audioPromptTokens, 64)
    }
}
