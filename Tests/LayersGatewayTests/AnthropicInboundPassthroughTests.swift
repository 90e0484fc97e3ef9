import Foundation
import LayersCore
import XCTest
@testable import LayersGateway

final class AnthropicInboundPassthroughTests: XCTestCase {
    func testRequestKeepsEverythingButTheModel() throws {
        let body = """
        {"model":"anthropic/claude-sonnet-4.5","max_tokens":1024,"system":[{"type":"text","text":"S","cache_control":{"type":"ephemeral","ttl":"1h"}}],"thinking":{"type":"enabled","budget_tokens":2048},"tools":[{"type":"web_search_20250305","name":"web_search","max_uses":3}],"messages":[{"role":"assistant","content":[{"type":"thinking","thinking":"t","signature":"EqQBCkYIAxgCIkA="},{"type":"tool_use","id":"toolu_1","name":"web_search","input":{"query":"q"}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"r"}]}],"temperature":1.0}
        """
        let out = try AnthropicPassthrough.rewriteRequest(try JSONValue.parse(body), upstreamModel: "claude-sonnet-4-5")
        let expected = body.replacingOccurrences(of: "\"anthropic/claude-sonnet-4.5\"", with: "\"claude-sonnet-4-5\"")
        XCTAssertEqual(out.serialized(), expected)
    }

    func testResponseModelIsSwappedBack() throws {
        let upstream = Array(#"{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"usage":{"input_tokens":3,"output_tokens":4}}"#.utf8)
        let (bytes, json) = AnthropicPassthrough.rewriteResponse(upstream, model: "anthropic/claude-sonnet-4.5")
        XCTAssertEqual(json?["model"], "anthropic/claude-sonnet-4.5")
        XCTAssertTrue(String(decoding: bytes, as: UTF8.self).contains(#""model":"anthropic/claude-sonnet-4.5""#))
        XCTAssertEqual(AnthropicPassthrough.usage(ofMessage: try XCTUnwrap(json)).promptTokens, 3)
    }

    func testStreamRewritesModelAndCollectsUsage() throws {
        let upstream = """
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-haiku-4-5","content":[],"stop_reason":null,"usage":{"input_tokens":10,"cache_read_input_tokens":90,"cache_creation_input_tokens":0,"output_tokens":1}}}

        event: ping
        data: {"type":"ping"}

        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}

        event: message_stop
        data: {"type":"message_stop"}


        """
        var stream = AnthropicPassthroughStream(model: "anthropic/claude-haiku-4.5")
        stream.messageDeltaExtra = { usage in ("layers", ["output_tokens_seen": .number(JSONNumber(usage.completionTokens))]) }
        let bytes = Array(upstream.utf8)
        var out: [UInt8] = []
        // Feed in awkward pieces to exercise the decoder's buffering.
        var index = 0
        while index < bytes.count {
            let end = min(bytes.count, index + 37)
            out += try stream.feed(Array(bytes[index..<end]))
            index = end
        }
        out += stream.finish()
        let text = String(decoding: out, as: UTF8.self)
        XCTAssertTrue(text.contains(#""model":"anthropic/claude-haiku-4.5""#))
        XCTAssertFalse(text.contains("claude-haiku-4-5"))
        XCTAssertTrue(text.contains("event: ping"))
        XCTAssertTrue(text.contains(#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}"#))
        XCTAssertTrue(text.contains(#""layers":{"output_tokens_seen":15}"#), text)
        XCTAssertTrue(stream.completed)
        XCTAssertEqual(stream.stopReason, "end_turn")
        XCTAssertEqual(stream.usage.promptTokens, 100)
        XCTAssertEqual(stream.usage.cachedReadTokens, 90)
        XCTAssertEqual(stream.usage.completionTokens, 15)
    }

    /// A pass-through body is checked only for what the gateway needs (model, max_tokens, turns); blocks the
    /// translator cannot carry (server tools and their results, newer block types) pass untouched.
    func testEnvelopeAcceptsServerToolsAndChecksTheTurns() throws {
        let web = #"{"model":"anthropic/claude-sonnet-4.5","max_tokens":512,"tools":[{"type":"web_search_20250305","name":"web_search"}],"messages":[{"role":"user","content":"q"},{"role":"assistant","content":[{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{"query":"q"}},{"type":"web_search_tool_result","tool_use_id":"srvtoolu_1","content":[]},{"type":"text","text":"a","citations":[]}]},{"role":"user","content":"more"}]}"#
        XCTAssertNoThrow(try AnthropicPassthrough.validateEnvelope(try JSONValue.parse(web)))
        XCTAssertThrowsError(try AnthropicInboundRequestTranslator().translate(try JSONValue.parse(web)))
        XCTAssertNoThrow(try AnthropicPassthrough.validateEnvelope(
            try JSONValue.parse(#"{"model":"m","messages":[{"role":"user","content":"x"}]}"#), requireMaxTokens: false))
        let cases: [(String, String)] = [
            (#"[1]"#, "JSON object"),
            (#"{"max_tokens":5,"messages":[{"role":"user","content":"x"}]}"#, "model: Field required"),
            (#"{"model":"m","messages":[{"role":"user","content":"x"}]}"#, "max_tokens: Field required"),
            (#"{"model":"m","max_tokens":0,"messages":[{"role":"user","content":"x"}]}"#, "max_tokens: must be at least 1"),
            (#"{"model":"m","max_tokens":5}"#, "messages: Field required"),
            (#"{"model":"m","max_tokens":5,"messages":[]}"#, "at least one message"),
            (#"{"model":"m","max_tokens":5,"messages":[{"role":"system","content":"x"}]}"#, "messages.0.role"),
            (#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"},{"role":"assistant"}]}"#, "messages.1.content"),
        ]
        for (body, message) in cases {
            XCTAssertThrowsError(try AnthropicPassthrough.validateEnvelope(try JSONValue.parse(body)), body) { error in
                let failure = error as? AnthropicInboundError
                XCTAssertEqual(failure?.status, 400, body)
                XCTAssertTrue(failure?.message.contains(message) ?? false, "\(body): \(String(describing: failure))")
            }
        }
    }
}
