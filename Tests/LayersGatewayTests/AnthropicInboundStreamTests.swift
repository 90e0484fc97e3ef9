import LayersCore
import XCTest
@testable import LayersGateway

final class AnthropicInboundStreamTests: XCTestCase {
    private func chunk(_ json: String) throws -> JSONValue { try JSONValue.parse(json) }

    private func run(_ chunks: [String]) throws -> [(String, JSONValue)] {
        var translator = AnthropicInboundStreamTranslator(model: "google/gemini-2.5-flash")
        var events: [SSEEvent] = []
        for c in chunks { events += translator.translate(data: c) }
        events += translator.finish()
        return try events.map { ($0.event ?? "", try JSONValue.parse($0.data)) }
    }

    func testTextStream() throws {
        let events = try run([
            #"{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#,
            #"{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}"#,
            #"{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]}"#,
            #"{"id":"chatcmpl-1","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":2,"total_tokens":14}}"#,
            "[DONE]",
        ])
        XCTAssertEqual(events.map(\.0), ["message_start", "content_block_start", "content_block_delta",
                                         "content_block_delta", "content_block_stop", "message_delta", "message_stop"])
        XCTAssertEqual(events[0].1["message"]?["id"], "msg_1")
        XCTAssertEqual(events[0].1["message"]?["model"], "google/gemini-2.5-flash")
        XCTAssertEqual(events[0].1["message"]?["content"], [])
        XCTAssertEqual(events[1].1["content_block"], ["type": "text", "text": ""])
        XCTAssertEqual(events[2].1["delta"], ["type": "text_delta", "text": "Hel"])
        XCTAssertEqual(events[3].1["index"]?.intValue, 0)
        XCTAssertEqual(events[5].1["delta"]?["stop_reason"], "end_turn")
        XCTAssertEqual(events[5].1["usage"]?["output_tokens"]?.intValue, 2)
        XCTAssertEqual(events[5].1["usage"]?["input_tokens"]?.intValue, 12)
        XCTAssertEqual(events[6].1, ["type": "message_stop"])
    }

    func testThinkingThenTextThenParallelTools() throws {
        let events = try run([
            #"{"id":"x","choices":[{"index":0,"delta":{"reasoning_content":"Let me"},"finish_reason":null}]}"#,
            #"{"id":"x","choices":[{"index":0,"delta":{"reasoning_content":" think"},"finish_reason":null}]}"#,
            #"{"id":"x","choices":[{"index":0,"delta":{"content":"Checking."},"finish_reason":null}]}"#,
            #"{"id":"x","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}]}"#,
            #"{"id":"x","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]},"finish_reason":null}]}"#,
            #"{"id":"x","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]},"finish_reason":null}]}"#,
            #"{"id":"x","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"get_time","arguments":"{}"}}]},"finish_reason":null}]}"#,
            #"{"id":"x","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":5,"completion_tokens":9,"total_tokens":14,"prompt_tokens_details":{"cached_tokens":2}}}"#,
        ])
        let names = events.map(\.0)
        XCTAssertEqual(names, ["message_start",
                               "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
                               "content_block_start", "content_block_delta", "content_block_stop",
                               "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
                               "content_block_start", "content_block_delta", "content_block_stop",
                               "message_delta", "message_stop"])
        XCTAssertEqual(events[1].1["content_block"]?["type"], "thinking")
        XCTAssertEqual(events[2].1["delta"], ["type": "thinking_delta", "thinking": "Let me"])
        XCTAssertEqual(events[5].1["index"]?.intValue, 1)
        XCTAssertEqual(events[8].1["content_block"], ["type": "tool_use", "id": "call_a", "name": "get_weather",
                                                      "input": .object(JSONObject())])
        XCTAssertEqual(events[8].1["index"]?.intValue, 2)
        let json = events[9...10].compactMap { $0.1["delta"]?["partial_json"]?.stringValue }.joined()
        XCTAssertEqual(try JSONValue.parse(json), ["city": "Paris"])
        XCTAssertEqual(events[12].1["index"]?.intValue, 3)
        XCTAssertEqual(events[12].1["content_block"]?["name"], "get_time")
        XCTAssertEqual(events[15].1["delta"]?["stop_reason"], "tool_use")
        XCTAssertEqual(events[15].1["usage"]?["input_tokens"]?.intValue, 3)
        XCTAssertEqual(events[15].1["usage"]?["cache_read_input_tokens"]?.intValue, 2)
    }

    func testThinkingSignatureClosesTheThinkingBlock() throws {
        let events = try run([
            #"{"id":"x","choices":[{"index":0,"delta":{"reasoning_content":"hmm"},"finish_reason":null}]}"#,
            #"{"id":"x","choices":[{"index":0,"delta":{"thinking_blocks":[{"type":"thinking","thinking":"hmm","signature":"c2ln"}]},"finish_reason":null}]}"#,
            #"{"id":"x","choices":[{"index":0,"delta":{"content":"42"},"finish_reason":"stop"}]}"#,
        ])
        XCTAssertEqual(events.map(\.0), ["message_start", "content_block_start", "content_block_delta", "content_block_delta",
                                         "content_block_stop", "content_block_start", "content_block_delta",
                                         "content_block_stop", "message_delta", "message_stop"])
        XCTAssertEqual(events[3].1["delta"], ["type": "signature_delta", "signature": "c2ln"])
        XCTAssertEqual(events[3].1["index"]?.intValue, 0)
    }

    func testErrorChunkEndsStreamWithErrorEvent() throws {
        var translator = AnthropicInboundStreamTranslator(model: "m")
        var events = translator.translate(data: #"{"id":"x","choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null}]}"#)
        events += translator.translate(data: #"{"error":{"message":"upstream died","type":"provider_error","code":502}}"#)
        events += translator.finish()
        XCTAssertEqual(events.map { $0.event ?? "" }, ["message_start", "content_block_start", "content_block_delta", "error"])
        let error = try JSONValue.parse(events[3].data)
        XCTAssertEqual(error["type"], "error")
        XCTAssertEqual(error["error"]?["type"], "api_error")
        XCTAssertEqual(error["error"]?["message"], "upstream died")
        XCTAssertTrue(translator.isFinished)
    }

    func testEmptyStreamStillProducesAWellFormedMessage() throws {
        let events = try run([])
        XCTAssertEqual(events.map(\.0), ["message_start", "message_delta", "message_stop"])
    }

    func testEncodingIsNamedSSE() {
        var translator = AnthropicInboundStreamTranslator(model: "m", messageID: "msg_fixed")
        let bytes = AnthropicInboundStreamTranslator.encode(translator.finish())
        let text = String(decoding: bytes, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_fixed\""), text)
        XCTAssertTrue(text.hasSuffix("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"), text)
    }
}
