import XCTest
import LayersCore
import LayersCredits
@testable import LayersGateway

/// Every Anthropic stream event type through the translator (no network: `OfflineTranslator`), with the bytes cut
/// at awkward places the way TCP delivers them.
final class AnthropicStreamEventTests: XCTestCase {
    let modelID = "anthropic/claude-sonnet-4.5"

    private func event(_ name: String, _ data: String) -> String { "event: \(name)\ndata: \(data)\n\n" }

    /// A transcript with every event and block type Anthropic documents, plus one it may add later.
    private var transcript: String {
        [
            event("message_start", #"{"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5","stop_reason":null,"usage":{"input_tokens":50,"cache_read_input_tokens":10,"cache_creation_input_tokens":4,"output_tokens":1}}}"#),
            event("ping", #"{"type":"ping"}"#),
            event("content_block_start", #"{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}"#),
            event("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Because "}}"#),
            event("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"it is."}}"#),
            event("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQB"}}"#),
            event("content_block_stop", #"{"type":"content_block_stop","index":0}"#),
            event("content_block_start", #"{"type":"content_block_start","index":1,"content_block":{"type":"redacted_thinking","data":"opaque=="}}"#),
            event("content_block_stop", #"{"type":"content_block_stop","index":1}"#),
            event("content_block_start", #"{"type":"content_block_start","index":2,"content_block":{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{}}}"#),
            event("content_block_delta", #"{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"query\":\"paris\"}"}}"#),
            event("content_block_stop", #"{"type":"content_block_stop","index":2}"#),
            event("content_block_start", #"{"type":"content_block_start","index":3,"content_block":{"type":"web_search_tool_result","tool_use_id":"srvtoolu_1","content":[]}}"#),
            event("content_block_stop", #"{"type":"content_block_stop","index":3}"#),
            event("content_block_start", #"{"type":"content_block_start","index":4,"content_block":{"type":"text","text":""}}"#),
            event("content_block_delta", #"{"type":"content_block_delta","index":4,"delta":{"type":"text_delta","text":"Paris is "}}"#),
            event("content_block_delta", #"{"type":"content_block_delta","index":4,"delta":{"type":"citations_delta","citation":{"type":"web_search_result_location","url":"https://example.com","title":"x","cited_text":"y","encrypted_index":"z"}}}"#),
            event("content_block_delta", #"{"type":"content_block_delta","index":4,"delta":{"type":"text_delta","text":"sunny."}}"#),
            event("content_block_stop", #"{"type":"content_block_stop","index":4}"#),
            event("content_block_start", #"{"type":"content_block_start","index":5,"content_block":{"type":"tool_use","id":"toolu_9","name":"get_weather","input":{}}}"#),
            event("content_block_delta", #"{"type":"content_block_delta","index":5,"delta":{"type":"input_json_delta","partial_json":""}}"#),
            event("content_block_delta", #"{"type":"content_block_delta","index":5,"delta":{"type":"input_json_delta","partial_json":"{\"city\":"}}"#),
            event("content_block_delta", #"{"type":"content_block_delta","index":5,"delta":{"type":"input_json_delta","partial_json":"\"Paris\"}"}}"#),
            event("content_block_stop", #"{"type":"content_block_stop","index":5}"#),
            event("content_block_start", #"{"type":"content_block_start","index":6,"content_block":{"type":"tool_use","id":"toolu_10","name":"get_time","input":{}}}"#),
            event("content_block_delta", #"{"type":"content_block_delta","index":6,"delta":{"type":"input_json_delta","partial_json":"{}"}}"#),
            event("content_block_stop", #"{"type":"content_block_stop","index":6}"#),
            event("some_future_event", #"{"type":"some_future_event","detail":1}"#),
            event("ping", #"{"type":"ping"}"#),
            event("message_delta", #"{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":40,"server_tool_use":{"web_search_requests":1}}}"#),
            event("message_stop", #"{"type":"message_stop"}"#),
        ].joined()
    }

    private func run(_ sse: String, pieceSize: Int, request: String? = nil) throws -> ([JSONObject], TokenUsage) {
        let model = try ProviderTestKit.model(modelID)
        let translator = OfflineTranslator(api: .anthropic, model: model)
        let prepared = try translator.prepare(try ProviderTestKit.request(request ?? """
        {"model":"\(modelID)","stream":true,"messages":[{"role":"user","content":"weather?"}]}
        """), stream: true)
        let bytes = Array(sse.utf8)
        let pieces = stride(from: 0, to: bytes.count, by: pieceSize).map { Array(bytes[$0..<min($0 + pieceSize, bytes.count)]) }
        var chunks: [JSONObject] = []
        let usage = try translator.stream(pieces, prepared: prepared) { chunks.append($0) }
        return (chunks, usage)
    }

    func testEveryEventTypeIsTranslatedWhateverTheByteBoundaries() throws {
        var reference: [JSONObject]?
        for size in [1, 7, 64, 100_000] {
            let (chunks, usage) = try run(transcript, pieceSize: size)
            if let reference {
                func timeless(_ chunks: [JSONObject]) -> [JSONObject] {
                    chunks.map { var c = $0; c.removeValue(forKey: "created"); return c }
                }
                XCTAssertEqual(timeless(chunks), timeless(reference), "piece size \(size)")
                continue
            }
            reference = chunks
            Samples.save(chunks, kind: "chunks", name: "anthropic-every-event-stream")
            let folded = FoldedStream(chunks)
            XCTAssertEqual(folded.role, "assistant")
            XCTAssertEqual(folded.reasoning, "Because it is.")
            XCTAssertEqual(folded.content, "Paris is sunny.", "citations_delta and server tool blocks add no text")
            XCTAssertEqual(folded.thinkingBlocks, [["type": "thinking", "thinking": "Because it is.", "signature": "EqQB"],
                                                   ["type": "redacted_thinking", "data": "opaque=="]],
                           "thinking blocks (signature included) and redacted blocks come back for the next turn")
            XCTAssertEqual(folded.toolCalls.count, 2, "the server tool (web_search) is not a client tool call")
            XCTAssertEqual(folded.toolCalls[0]?.id, "toolu_9")
            XCTAssertEqual(folded.toolCalls[0]?.name, "get_weather")
            XCTAssertEqual(try JSONValue.parse(folded.toolCalls[0]?.arguments ?? ""), ["city": "Paris"])
            XCTAssertEqual(folded.toolCalls[1]?.name, "get_time")
            XCTAssertEqual(folded.toolCalls[1]?.arguments, "{}")
            XCTAssertEqual(folded.finishReason, "tool_calls")
            XCTAssertEqual(Set(chunks.compactMap { $0["id"]?.stringValue }), ["chatcmpl-msg_01"])
            XCTAssertEqual(chunks.last?["choices"], [], "the stream ends with the usage chunk")
            XCTAssertEqual(chunks.filter { $0["usage"] != nil }.count, 1)
            XCTAssertEqual(usage.promptTokens, 64, "input 50 + cache read 10 + cache write 4")
            XCTAssertEqual(usage.cachedReadTokens, 10)
            XCTAssertEqual(usage.cacheWrite5mTokens, 4)
            XCTAssertEqual(usage.completionTokens, 40, "message_delta's cumulative output_tokens")
            XCTAssertEqual(usage.webSearchRequests, 1)
            XCTAssertEqual(chunks.last?["usage"]?["prompt_tokens"], 64)
            XCTAssertEqual(chunks.last?["usage"]?["prompt_tokens_details"]?["cached_tokens"], 10)
            // No chunk is emitted for ping, unknown events, empty argument fragments or the server tool's input.
            let toolArgumentChunks = chunks.filter { $0["choices"]?[0]?["delta"]?["tool_calls"]?[0]?["function"]?["name"] == nil
                && $0["choices"]?[0]?["delta"]?["tool_calls"] != nil }
            XCTAssertEqual(toolArgumentChunks.count, 3)
        }
    }

    func testErrorEventsAreThrownByKind() throws {
        let start = event("message_start", #"{"type":"message_start","message":{"id":"msg_02","usage":{"input_tokens":5,"output_tokens":1}}}"#)
            + event("content_block_start", #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#)
            + event("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}"#)
        let cases: [(String, LayersError)] = [
            ("overloaded_error", .providerOverloaded(provider: "anthropic", model: modelID)),
            ("rate_limit_error", .providerRateLimited(provider: "anthropic", model: modelID, retryAfterSeconds: nil,
                                                      message: "slow down")),
            ("api_error", .providerError(provider: "anthropic", model: modelID, message: "slow down", upstreamStatus: nil)),
        ]
        for (type, expected) in cases {
            let sse = start + event("error", #"{"type":"error","error":{"type":"\#(type)","message":"slow down"}}"#)
            XCTAssertThrowsError(try run(sse, pieceSize: 13)) { error in
                XCTAssertEqual(error as? LayersError, expected, type)
            }
        }
        // Cut before message_stop: an error, not a silently short answer.
        XCTAssertThrowsError(try run(start, pieceSize: 5)) { error in
            guard case .providerError(_, _, let message, _)? = error as? LayersError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("message_stop"), message)
        }
    }

    func testStreamedStopReasons() throws {
        for (reason, expected) in [("end_turn", "stop"), ("stop_sequence", "stop"), ("max_tokens", "length"),
                                   ("tool_use", "tool_calls"), ("refusal", "content_filter"), ("pause_turn", "stop"),
                                   ("model_context_window_exceeded", "length")] {
            let sse = event("message_start", #"{"type":"message_start","message":{"id":"m","usage":{"input_tokens":5,"output_tokens":1}}}"#)
                + event("message_delta", #"{"type":"message_delta","delta":{"stop_reason":"\#(reason)"},"usage":{"output_tokens":3}}"#)
                + event("message_stop", #"{"type":"message_stop"}"#)
            let (chunks, _) = try run(sse, pieceSize: 9)
            XCTAssertEqual(FoldedStream(chunks).finishReason, expected, reason)
        }
    }
}
