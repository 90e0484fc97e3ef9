import LayersCore
import XCTest
@testable import LayersServer

final class SandboxSimulatorTests: XCTestCase {
    let sandbox = SandboxSimulator()

    func testPlainTextIsDeterministicAndQuotesTheUser() throws {
        let request = try JSONValue.parse(#"{"model":"openai/gpt-4o","messages":[{"role":"user","content":"Hello there"}]}"#)
        let a = sandbox.answer(request: request, model: "openai/gpt-4o")
        let b = sandbox.answer(request: request, model: "openai/gpt-4o")
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.finishReason, "stop")
        XCTAssertTrue(a.content?.contains("Hello there") ?? false)
        XCTAssertGreaterThan(a.usage.promptTokens, 0)
        XCTAssertGreaterThan(a.usage.completionTokens, 0)
        XCTAssertTrue(a.toolCalls.isEmpty)
    }

    func testToolCallArgumentsFollowTheSchema() throws {
        let request = try JSONValue.parse(#"""
        {"model":"m","messages":[{"role":"user","content":"What is 6*7?"}],
         "tools":[{"type":"function","function":{"name":"calculate","parameters":{"type":"object",
           "properties":{"expression":{"type":"string"},"precision":{"type":"integer","minimum":0,"maximum":10},
                         "mode":{"type":"string","enum":["exact","approx"]}},
           "required":["expression","precision","mode"],"additionalProperties":false}}}],
         "tool_choice":"auto"}
        """#)
        let a = sandbox.answer(request: request, model: "m")
        XCTAssertEqual(a.finishReason, "tool_calls")
        XCTAssertEqual(a.toolCalls.first?.name, "calculate")
        let args = try JSONValue.parse(a.toolCalls[0].arguments)
        XCTAssertNotNil(args["expression"]?.stringValue)
        XCTAssertEqual(args["precision"]?.intValue, 10)
        XCTAssertEqual(args["mode"]?.stringValue, "exact")
        XCTAssertNil(a.content)
    }

    func testToolResultGetsATextAnswer() throws {
        let request = try JSONValue.parse(#"""
        {"model":"m","messages":[{"role":"user","content":"6*7?"},
          {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"calc","arguments":"{}"}}]},
          {"role":"tool","tool_call_id":"c1","content":"42"}],
         "tools":[{"type":"function","function":{"name":"calc","parameters":{"type":"object","properties":{}}}}]}
        """#)
        let a = sandbox.answer(request: request, model: "m")
        XCTAssertEqual(a.finishReason, "stop")
        XCTAssertTrue(a.content?.contains("42") ?? false)
    }

    func testToolChoiceNoneAndNamed() throws {
        var request = try JSONValue.parse(#"""
        {"model":"m","messages":[{"role":"user","content":"x"}],
         "tools":[{"type":"function","function":{"name":"a"}},{"type":"function","function":{"name":"b"}}]}
        """#)
        request["tool_choice"] = "none"
        XCTAssertTrue(sandbox.answer(request: request, model: "m").toolCalls.isEmpty)
        request["tool_choice"] = ["type": "function", "function": ["name": "b"]]
        XCTAssertEqual(sandbox.answer(request: request, model: "m").toolCalls.first?.name, "b")
    }

    func testJSONSchemaOutput() throws {
        let request = try JSONValue.parse(#"""
        {"model":"m","messages":[{"role":"user","content":"Extract"}],
         "response_format":{"type":"json_schema","json_schema":{"name":"event","strict":true,"schema":{
           "type":"object","additionalProperties":false,"required":["name","date","participants","location"],
           "properties":{"name":{"type":"string"},"date":{"type":"string","format":"date"},
             "participants":{"type":"array","items":{"type":"string"},"minItems":1},
             "location":{"anyOf":[{"$ref":"#/$defs/place"},{"type":"null"}]}},
           "$defs":{"place":{"type":"object","properties":{"city":{"type":"string"},"zip":{"type":["string","null"]}},
                    "required":["city","zip"],"additionalProperties":false}}}}}}
        """#)
        let a = sandbox.answer(request: request, model: "m")
        let value = try JSONValue.parse(try XCTUnwrap(a.content))
        XCTAssertNotNil(value["name"]?.stringValue)
        XCTAssertEqual(value["date"]?.stringValue, "2025-01-01")
        XCTAssertEqual(value["participants"]?.arrayValue?.count, 2)
        XCTAssertNotNil(value["location"]?["city"]?.stringValue)
        XCTAssertNotNil(value["location"]?["zip"]?.stringValue)
        XCTAssertEqual(value.objectValue?.keys, ["name", "date", "participants", "location"])
    }

    func testRecursiveSchemaTerminates() throws {
        let schema = try JSONValue.parse(#"""
        {"$ref":"#/$defs/node","$defs":{"node":{"type":"object","required":["value","children"],
          "properties":{"value":{"type":"number","minimum":10,"maximum":20},
                        "children":{"type":"array","items":{"$ref":"#/$defs/node"}}}}}}
        """#)
        var generator = SchemaInstanceGenerator(schema: schema, random: DeterministicRandom(seed: 1))
        let value = generator.generate()
        XCTAssertEqual(value["value"]?.doubleValue, 11)
        XCTAssertNotNil(value["children"]?.arrayValue)
    }

    func testNumericBounds() throws {
        let schema = try JSONValue.parse(#"""
        {"type":"object","properties":{"a":{"type":"integer","exclusiveMaximum":5},
          "b":{"type":"integer","minimum":100,"multipleOf":7},"c":{"type":"number","exclusiveMinimum":4.2}}}
        """#)
        var generator = SchemaInstanceGenerator(schema: schema, random: DeterministicRandom(seed: 1))
        let value = generator.generate()
        XCTAssertEqual(value["a"]?.intValue, 4)
        XCTAssertEqual(value["b"]?.intValue, 105)
        XCTAssertGreaterThan(value["c"]?.doubleValue ?? 0, 4.2)
    }

    func testMaxTokensTruncatesWithLength() throws {
        let request = try JSONValue.parse(#"{"model":"m","max_tokens":3,"messages":[{"role":"user","content":"Tell me a long story"}]}"#)
        let a = sandbox.answer(request: request, model: "m")
        XCTAssertEqual(a.finishReason, "length")
        XCTAssertEqual(a.usage.completionTokens, 3)
    }

    func testReasoningWhenAskedAndSupported() throws {
        let request = try JSONValue.parse(#"{"model":"m","reasoning_effort":"low","messages":[{"role":"user","content":"Why?"}]}"#)
        let a = sandbox.answer(request: request, model: "m", supportsReasoning: true)
        XCTAssertNotNil(a.reasoning)
        XCTAssertGreaterThan(a.usage.reasoningTokens, 0)
        XCTAssertGreaterThan(a.usage.completionTokens, a.usage.reasoningTokens)
        XCTAssertNil(sandbox.answer(request: request, model: "m", supportsReasoning: false).reasoning)
    }
}
