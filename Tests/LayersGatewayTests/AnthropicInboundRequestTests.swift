import LayersCore
import XCTest
@testable import LayersGateway

final class AnthropicInboundRequestTests: XCTestCase {
    private func translate(_ json: String, field: String = "max_tokens") throws -> JSONValue {
        let request = try JSONValue.parse(json)
        return try AnthropicInboundRequestTranslator(maxTokensField: field).translate(request)
    }

    private func assertInvalid(_ json: String, contains fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try translate(json)
            XCTFail("expected an error", file: file, line: line)
        } catch let error as AnthropicInboundError {
            XCTAssertEqual(error.status, 400, file: file, line: line)
            XCTAssertEqual(error.type, .invalidRequest, file: file, line: line)
            XCTAssertTrue(error.message.contains(fragment), "\(error.message)", file: file, line: line)
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
        }
    }

    func testPlainRequestMapsCoreFields() throws {
        let out = try translate("""
        {"model":"openai/gpt-4o","max_tokens":256,"system":"Be brief.","temperature":0.5,"top_p":0.9,"top_k":5,
         "stop_sequences":["END"],"metadata":{"user_id":"u-1"},
         "messages":[{"role":"user","content":"Hi"}]}
        """)
        XCTAssertEqual(out["model"], "openai/gpt-4o")
        XCTAssertEqual(out["max_tokens"]?.intValue, 256)
        XCTAssertEqual(out["messages"]?[0], ["role": "system", "content": "Be brief."])
        XCTAssertEqual(out["messages"]?[1], ["role": "user", "content": "Hi"])
        XCTAssertEqual(out["temperature"]?.numberValue?.text, "0.5")
        XCTAssertEqual(out["top_p"]?.numberValue?.text, "0.9")
        XCTAssertNil(out["top_k"], "OpenAI has no top_k")
        XCTAssertEqual(out["stop"], ["END"])
        XCTAssertEqual(out["user"], "u-1")
        XCTAssertNil(out["stream"])
    }

    func testMaxTokensFieldIsConfigurable() throws {
        let out = try translate(#"{"model":"m","max_tokens":9,"messages":[{"role":"user","content":"x"}]}"#,
                                field: "max_completion_tokens")
        XCTAssertEqual(out["max_completion_tokens"]?.intValue, 9)
        XCTAssertNil(out["max_tokens"])
    }

    func testStreamingForcesUsage() throws {
        let out = try translate(#"{"model":"m","max_tokens":9,"stream":true,"messages":[{"role":"user","content":"x"}]}"#)
        XCTAssertEqual(out["stream"], true)
        XCTAssertEqual(out["stream_options"], ["include_usage": true])
    }

    func testSystemBlocksKeepCacheControl() throws {
        let out = try translate("""
        {"model":"m","max_tokens":9,"system":[{"type":"text","text":"A"},{"type":"text","text":"B","cache_control":{"type":"ephemeral"}}],
         "messages":[{"role":"user","content":"x"}]}
        """)
        let system = out["messages"]?[0]
        XCTAssertEqual(system?["role"], "system")
        XCTAssertEqual(system?["content"]?[1]?["cache_control"], ["type": "ephemeral"])
        let plain = try translate("""
        {"model":"m","max_tokens":9,"system":[{"type":"text","text":"A"},{"type":"text","text":"B"}],
         "messages":[{"role":"user","content":"x"}]}
        """)
        XCTAssertEqual(plain["messages"]?[0]?["content"], "A\n\nB")
    }

    func testImagesAndDocumentsBecomeParts() throws {
        let out = try translate("""
        {"model":"m","max_tokens":9,"messages":[{"role":"user","content":[
          {"type":"text","text":"What is this?"},
          {"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}},
          {"type":"image","source":{"type":"url","url":"https://example.com/a.png"}},
          {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBE"}}]}]}
        """)
        let parts = try XCTUnwrap(out["messages"]?[0]?["content"]?.arrayValue)
        XCTAssertEqual(parts.count, 4)
        XCTAssertEqual(parts[1]["image_url"]?["url"], "data:image/png;base64,AAAA")
        XCTAssertEqual(parts[2]["image_url"]?["url"], "https://example.com/a.png")
        XCTAssertEqual(parts[3]["type"], "file")
        XCTAssertEqual(parts[3]["file"]?["file_data"], "data:application/pdf;base64,JVBE")
    }

    func testToolRoundTripTranslatesBothSides() throws {
        let out = try translate("""
        {"model":"google/gemini-2.5-flash","max_tokens":100,
         "tools":[{"name":"get_weather","description":"Weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}],
         "tool_choice":{"type":"any","disable_parallel_tool_use":true},
         "messages":[
          {"role":"user","content":"Weather in Paris and Rome?"},
          {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"sig"},
            {"type":"text","text":"Checking."},
            {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}},
            {"type":"tool_use","id":"toolu_2","name":"get_weather","input":{"city":"Rome"}}]},
          {"role":"user","content":[
            {"type":"tool_result","tool_use_id":"toolu_1","content":"18C"},
            {"type":"tool_result","tool_use_id":"toolu_2","content":[{"type":"text","text":"21C"}],"is_error":false},
            {"type":"text","text":"Thanks"}]}]}
        """)
        XCTAssertEqual(out["tools"]?[0]?["type"], "function")
        XCTAssertEqual(out["tools"]?[0]?["function"]?["name"], "get_weather")
        XCTAssertEqual(out["tools"]?[0]?["function"]?["parameters"]?["required"], ["city"])
        XCTAssertEqual(out["tool_choice"], "required")
        XCTAssertEqual(out["parallel_tool_calls"], false)
        let messages = try XCTUnwrap(out["messages"]?.arrayValue)
        XCTAssertEqual(messages.map { $0["role"]?.stringValue ?? "" }, ["user", "assistant", "tool", "tool", "user"])
        let assistant = messages[1]
        XCTAssertEqual(assistant["content"], "Checking.")
        XCTAssertEqual(assistant["thinking_blocks"], [["type": "thinking", "thinking": "hmm", "signature": "sig"]],
                       "thinking blocks travel for the Anthropic adapter")
        XCTAssertEqual(assistant["tool_calls"]?[0]?["id"], "toolu_1")
        XCTAssertEqual(assistant["tool_calls"]?[0]?["function"]?["arguments"], #"{"city":"Paris"}"#)
        XCTAssertEqual(assistant["tool_calls"]?[1]?["id"], "toolu_2")
        XCTAssertEqual(messages[2], ["role": "tool", "tool_call_id": "toolu_1", "content": "18C"])
        XCTAssertEqual(messages[3]["content"], "21C")
        XCTAssertEqual(messages[4]["content"], "Thanks")
    }

    func testToolChoiceVariants() throws {
        let base = #"{"model":"m","max_tokens":9,"tools":[{"name":"f","input_schema":{"type":"object"}}],"messages":[{"role":"user","content":"x"}],"tool_choice":"#
        XCTAssertEqual(try translate(base + #"{"type":"auto"}}"#)["tool_choice"], "auto")
        XCTAssertEqual(try translate(base + #"{"type":"none"}}"#)["tool_choice"], "none")
        XCTAssertEqual(try translate(base + #"{"type":"tool","name":"f"}}"#)["tool_choice"],
                       ["type": "function", "function": ["name": "f"]])
        XCTAssertNil(try translate(base + #"{"type":"auto"}}"#)["parallel_tool_calls"])
    }

    func testToolErrorResultIsMarked() throws {
        let out = try translate("""
        {"model":"m","max_tokens":9,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":{}}]},
         {"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"boom","is_error":true}]}]}
        """)
        XCTAssertEqual(out["messages"]?[1]?["content"], "Error: boom")
        XCTAssertEqual(out["messages"]?[0]?["content"], .null)
    }

    func testThinkingBudgetBecomesEffort() throws {
        func effort(_ budget: Int) throws -> JSONValue? {
            try translate(#"{"model":"m","max_tokens":32000,"thinking":{"type":"enabled","budget_tokens":\#(budget)},"messages":[{"role":"user","content":"x"}]}"#)["reasoning_effort"]
        }
        XCTAssertEqual(try effort(1024), "low")
        XCTAssertEqual(try effort(8000), "medium")
        XCTAssertEqual(try effort(20000), "high")
        XCTAssertNil(try translate(#"{"model":"m","max_tokens":9,"thinking":{"type":"disabled"},"messages":[{"role":"user","content":"x"}]}"#)["reasoning_effort"])
    }

    func testInvalidRequestsNameTheField() {
        assertInvalid(#"{"max_tokens":9,"messages":[{"role":"user","content":"x"}]}"#, contains: "model")
        assertInvalid(#"{"model":"m","messages":[{"role":"user","content":"x"}]}"#, contains: "max_tokens")
        assertInvalid(#"{"model":"m","max_tokens":9}"#, contains: "messages")
        assertInvalid(#"{"model":"m","max_tokens":9,"messages":[]}"#, contains: "messages")
        assertInvalid(#"{"model":"m","max_tokens":9,"messages":[{"role":"system","content":"x"}]}"#, contains: "messages.0.role")
        assertInvalid(#"{"model":"m","max_tokens":9,"messages":[{"role":"user","content":[{"type":"video"}]}]}"#,
                      contains: "messages.0.content.0.type")
        assertInvalid(#"{"model":"m","max_tokens":9,"tools":[{"type":"web_search_20250305","name":"web_search"}],"messages":[{"role":"user","content":"x"}]}"#,
                      contains: "server tool")
        assertInvalid(#"{"model":"m","max_tokens":9,"thinking":{"type":"enabled","budget_tokens":10},"messages":[{"role":"user","content":"x"}]}"#,
                      contains: "budget_tokens")
    }

    func testErrorBodyHasAnthropicShape() throws {
        let error = AnthropicInboundError(status: 429, message: "slow down")
        XCTAssertEqual(error.body, ["type": "error", "error": ["type": "rate_limit_error", "message": "slow down"]])
        XCTAssertEqual(AnthropicInboundErrorType(status: 401), .authentication)
        XCTAssertEqual(AnthropicInboundErrorType(status: 402), .billing)
        XCTAssertEqual(AnthropicInboundErrorType(status: 404), .notFound)
        XCTAssertEqual(AnthropicInboundErrorType(status: 422), .invalidRequest)
        XCTAssertEqual(AnthropicInboundErrorType(status: 529), .overloaded)
        XCTAssertEqual(AnthropicInboundErrorType(status: 502), .api)
        XCTAssertEqual(AnthropicInboundErrorType(status: 503), .api)  // provider not configured, not overload
        XCTAssertEqual(AnthropicInboundErrorType(status: 504), .timeout)
        XCTAssertEqual(AnthropicInboundErrorType(status: 413), .requestTooLarge)
        let converted = AnthropicInboundError(status: 404, openAIErrorBody: ["error": ["message": "no such model", "type": "x"]])
        XCTAssertEqual(converted.message, "no such model")
        XCTAssertEqual(converted.type, .notFound)
    }
}
