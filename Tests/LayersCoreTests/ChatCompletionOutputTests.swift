import Foundation
import XCTest
import LayersCredits
@testable import LayersCore

/// Responses, chunks and usage: exact JSON, writer/`toJSON` agreement, lenient upstream
/// parsing, and the fixtures that `Tests/python/core/test_openai_schemas.py` validates
/// against OpenAI's OpenAPI schemas. Set LAYERS_WRITE_FIXTURES=1 to rewrite the fixtures.
final class ChatCompletionOutputTests: XCTestCase {
    static let usage = OpenAIUsage(TokenUsage(promptTokens: 2000, cachedReadTokens: 1500, cacheWrite5mTokens: 100,
                                              cacheWrite1hTokens: 20, completionTokens: 1000, reasoningTokens: 200))

    static var responses: [ChatCompletionResponse] {
        [
            ChatCompletionResponse(
                id: "chatcmpl-abc", created: 1_700_000_000, model: "anthropic/claude-sonnet-4.5",
                choices: [.init(message: AssistantMessage(content: "Hello!"), finishReason: .stop)],
                usage: usage),
            ChatCompletionResponse(
                id: "chatcmpl-tools", created: 1_700_000_001, model: "openai/gpt-4o",
                choices: [.init(message: AssistantMessage(
                    content: nil,
                    toolCalls: [ToolCall(id: "call_1", name: "get_weather", arguments: #"{"city":"Paris"}"#),
                                ToolCall(id: "call_2", name: "get_time", arguments: "{}")],
                    reasoningContent: "The user wants weather and time."), finishReason: .toolCalls)],
                usage: OpenAIUsage(promptTokens: 50, completionTokens: 20),
                systemFingerprint: "fp_1",
                extraFields: ["layers": ["credits_used": 3.36, "latency_ms": 1243]]),
            ChatCompletionResponse(
                id: "chatcmpl-n2", created: 1_700_000_002, model: "perplexity/sonar",
                choices: [.init(index: 0, message: AssistantMessage(content: "A"), finishReason: .length),
                          .init(index: 1, message: AssistantMessage(content: nil, refusal: "I can't."), finishReason: .contentFilter)],
                extraFields: ["citations": ["https://swift.org"],
                              "search_results": [["title": "Swift", "url": "https://swift.org"]]]),
        ]
    }

    static var chunks: [ChatCompletionChunk] {
        let id = "chatcmpl-s", created: Int64 = 1_700_000_100, model = "google/gemini-2.5-flash"
        return [
            ChatCompletionChunk(id: id, created: created, model: model, choices: [.init(delta: .init(role: .assistant, content: ""))]),
            ChatCompletionChunk(id: id, created: created, model: model, choices: [.init(delta: .init(reasoningContent: "Thinking…"))]),
            ChatCompletionChunk(id: id, created: created, model: model, choices: [.init(delta: .init(content: "Hel\"lo\n"))]),
            ChatCompletionChunk(id: id, created: created, model: model, choices: [.init(delta: .init(toolCalls: [
                .init(index: 0, id: "call_1", type: "function", name: "get_weather", arguments: "")]))]),
            ChatCompletionChunk(id: id, created: created, model: model, choices: [.init(delta: .init(toolCalls: [
                .init(index: 0, arguments: "{\"city\":")]))]),
            ChatCompletionChunk(id: id, created: created, model: model, choices: [.init(delta: .init(refusal: "no"))]),
            ChatCompletionChunk(id: id, created: created, model: model, choices: [.init(delta: .init(), finishReason: .toolCalls)],
                                systemFingerprint: "fp_2"),
            ChatCompletionChunk.usageChunk(id: id, created: created, model: model, usage: usage,
                                           extraFields: ["layers": ["credits_used": 0.5]]),
        ]
    }

    func testResponseExactJSON() {
        XCTAssertEqual(Self.responses[0].toJSON().serialized(),
                       #"{"id":"chatcmpl-abc","object":"chat.completion","created":1700000000,"model":"anthropic/claude-sonnet-4.5","choices":[{"index":0,"message":{"role":"assistant","content":"Hello!","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":2000,"completion_tokens":1000,"total_tokens":3000,"prompt_tokens_details":{"cached_tokens":1500,"cache_write_tokens":120},"completion_tokens_details":{"reasoning_tokens":200}}}"#)
        var buffer: [UInt8] = Array("x".utf8)
        Self.responses[0].write(to: &buffer)
        XCTAssertEqual(Array(buffer.dropFirst()), Self.responses[0].serializedBytes())
    }

    func testChunkExactJSON() {
        XCTAssertEqual(String(decoding: Self.chunks[2].serializedBytes(), as: UTF8.self),
                       #"{"id":"chatcmpl-s","object":"chat.completion.chunk","created":1700000100,"model":"google/gemini-2.5-flash","choices":[{"index":0,"delta":{"content":"Hel\"lo\n"},"finish_reason":null}]}"#)
        XCTAssertEqual(String(decoding: Self.chunks[3].serializedBytes(), as: UTF8.self),
                       #"{"id":"chatcmpl-s","object":"chat.completion.chunk","created":1700000100,"model":"google/gemini-2.5-flash","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}]}"#)
        XCTAssertEqual(String(decoding: Self.chunks[7].serializedBytes(), as: UTF8.self),
                       #"{"id":"chatcmpl-s","object":"chat.completion.chunk","created":1700000100,"model":"google/gemini-2.5-flash","choices":[],"usage":{"prompt_tokens":2000,"completion_tokens":1000,"total_tokens":3000,"prompt_tokens_details":{"cached_tokens":1500,"cache_write_tokens":120},"completion_tokens_details":{"reasoning_tokens":200}},"layers":{"credits_used":0.5}}"#)
    }

    func testChunkWriterMatchesToJSON() throws {
        for chunk in Self.chunks {
            XCTAssertEqual(String(decoding: chunk.serializedBytes(), as: UTF8.self), chunk.toJSON().serialized())
            XCTAssertEqual(try JSONValue.parse(chunk.serializedBytes()), chunk.toJSON())
        }
        var writer = JSONWriter()
        Self.usage.write(to: &writer)
        XCTAssertEqual(String(decoding: writer.bytes, as: UTF8.self), Self.usage.toJSON().serialized())
        let extra = OpenAIUsage(promptTokens: 1, completionTokens: 2, extraFields: ["num_search_queries": 1])
        writer = JSONWriter()
        extra.write(to: &writer)
        XCTAssertEqual(String(decoding: writer.bytes, as: UTF8.self), extra.toJSON().serialized())
    }

    func testChunkSSEFraming() throws {
        var out: [UInt8] = []
        for chunk in Self.chunks { chunk.writeSSE(to: &out) }
        out += SSEEncoder.done
        var decoder = SSEDecoder()
        let events = try decoder.decode(out)
        XCTAssertEqual(events.count, Self.chunks.count + 1)
        XCTAssertTrue(events.last!.isDone)
        for (event, chunk) in zip(events, Self.chunks) {
            XCTAssertEqual(ChatCompletionChunk(json: try JSONValue.parse(event.data)), chunk)
        }
    }

    func testUsageFromTokenUsage() {
        let usage = Self.usage
        XCTAssertEqual(usage.promptTokens, 2000)
        XCTAssertEqual(usage.completionTokens, 1000)
        XCTAssertEqual(usage.totalTokens, 3000)
        XCTAssertEqual(usage.cachedTokens, 1500)
        XCTAssertEqual(usage.cacheWriteTokens, 120)
        XCTAssertEqual(usage.reasoningTokens, 200)
        let plain = OpenAIUsage(TokenUsage(promptTokens: 10, completionTokens: 5)).toJSON()
        XCTAssertEqual(plain.serialized(),
                       #"{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}"#)
        // Audio input tokens (Gemini audio prompts) are reported as OpenAI's audio_tokens, by both writers.
        let audio = OpenAIUsage(TokenUsage(promptTokens: 10, audioPromptTokens: 4, completionTokens: 5))
        XCTAssertEqual(audio.audioTokens, 4)
        let text = #"{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":4},"completion_tokens_details":{"reasoning_tokens":0}}"#
        XCTAssertEqual(audio.toJSON().serialized(), text)
        var writer = JSONWriter()
        audio.write(to: &writer)
        XCTAssertEqual(String(decoding: writer.bytes, as: UTF8.self), text)
        XCTAssertEqual(audio.tokenUsage.audioPromptTokens, 4)
    }

    func testUsageFromUpstreamJSON() throws {
        let json = try JSONValue.parse(#"{"prompt_tokens":120,"completion_tokens":30,"total_tokens":150,"prompt_tokens_details":{"cached_tokens":100,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":12},"citation_tokens":7,"num_search_queries":1}"#)
        let usage = try XCTUnwrap(OpenAIUsage(json: json))
        XCTAssertEqual(usage.cachedTokens, 100)
        XCTAssertEqual(usage.reasoningTokens, 12)
        XCTAssertEqual(usage.extraFields.keys, ["citation_tokens", "num_search_queries"])
        XCTAssertEqual(usage.tokenUsage, TokenUsage(promptTokens: 120, cachedReadTokens: 100, completionTokens: 30, reasoningTokens: 12))
        let audio = try XCTUnwrap(OpenAIUsage(json: try JSONValue.parse(#"{"prompt_tokens":50,"completion_tokens":1,"prompt_tokens_details":{"audio_tokens":30}}"#)))
        XCTAssertEqual(audio.tokenUsage, TokenUsage(promptTokens: 50, audioPromptTokens: 30, completionTokens: 1))
        XCTAssertNil(OpenAIUsage(json: "x"))
        XCTAssertEqual(OpenAIUsage(json: [:])?.totalTokens, 0)
    }

    func testResponseRoundTripThroughLenientParser() throws {
        for response in Self.responses {
            XCTAssertEqual(ChatCompletionResponse(json: response.toJSON()), response)
        }
        XCTAssertNil(ChatCompletionResponse(json: ["id": "x"]))
        // An upstream body keeps unknown members.
        let upstream = try JSONValue.parse(#"{"id":"x","object":"chat.completion","created":1,"model":"sonar","citations":["u"],"choices":[{"index":0,"message":{"role":"assistant","content":"hi","annotations":[]},"finish_reason":"stop"}]}"#)
        let parsed = try XCTUnwrap(ChatCompletionResponse(json: upstream))
        XCTAssertEqual(parsed.extraFields.keys, ["citations"])
        XCTAssertEqual(parsed.choices[0].message.extraFields.keys, ["annotations"])
    }

    func testCompletionIDs() {
        let a = CompletionID.make(), b = CompletionID.make()
        XCTAssertTrue(a.hasPrefix("chatcmpl-"))
        XCTAssertEqual(a.count, 9 + 24)
        XCTAssertNotEqual(a, b)
    }

    // MARK: - Schema fixtures

    private static var fixturesDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("python/core/fixtures")
    }

    private func checkFixture(_ name: String, _ values: [JSONValue]) throws {
        var text = "[\n"
        text += values.map { $0.serialized() }.joined(separator: ",\n")
        text += "\n]\n"
        let url = Self.fixturesDirectory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["LAYERS_WRITE_FIXTURES"] == "1" {
            try FileManager.default.createDirectory(at: Self.fixturesDirectory, withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let committed = try String(contentsOf: url, encoding: .utf8)
        XCTAssertEqual(committed, text, "\(name) is stale: rerun with LAYERS_WRITE_FIXTURES=1 and re-run the pytest")
    }

    func testSchemaFixturesAreCurrent() throws {
        try checkFixture("chat_completion_responses.json", Self.responses.map { $0.toJSON() })
        try checkFixture("chat_completion_chunks.json", Self.chunks.map { try! JSONValue.parse($0.serializedBytes()) })
        try checkFixture("completion_usages.json", [Self.usage.toJSON(), OpenAIUsage(promptTokens: 0, completionTokens: 0).toJSON()])
        try checkFixture("error_bodies.json", LayersErrorTests.examples.map { $0.0.openAIBody() })
    }
}

final class ChatCompletionAccumulatorTests: XCTestCase {
    func testFoldsChunksIntoAResponse() {
        var accumulator = ChatCompletionAccumulator()
        for chunk in ChatCompletionOutputTests.chunks { accumulator.add(chunk) }
        let response = accumulator.response()
        XCTAssertEqual(response.id, "chatcmpl-s")
        XCTAssertEqual(response.model, "google/gemini-2.5-flash")
        XCTAssertEqual(response.choices.count, 1)
        let message = response.choices[0].message
        XCTAssertEqual(message.content, "Hel\"lo\n")
        XCTAssertEqual(message.reasoningContent, "Thinking…")
        XCTAssertEqual(message.refusal, "no")
        XCTAssertEqual(message.toolCalls, [ToolCall(id: "call_1", name: "get_weather", arguments: "{\"city\":")])
        XCTAssertEqual(response.choices[0].finishReason, .toolCalls)
        XCTAssertEqual(response.usage, ChatCompletionOutputTests.usage)
        XCTAssertEqual(response.systemFingerprint, "fp_2")
        XCTAssertEqual(response.extraFields["layers"], ["credits_used": 0.5])
        XCTAssertEqual(accumulator.chunkCount, 8)
        XCTAssertEqual(accumulator.outputBytes, "Hel\"lo\n".utf8.count + "Thinking…".utf8.count + 2
                       + "get_weather".utf8.count + "{\"city\":".utf8.count)
    }

    func testParallelToolCallsAndCutStream() {
        var accumulator = ChatCompletionAccumulator()
        let base = ChatCompletionChunk(id: "c", created: 1, model: "m", choices: [])
        var chunk = base
        chunk.choices = [.init(delta: .init(toolCalls: [.init(index: 1, id: "b", type: "function", name: "g", arguments: "{\"y\""),
                                                        .init(index: 0, id: "a", type: "function", name: "f", arguments: "{")]))]
        accumulator.add(chunk)
        chunk.choices = [.init(delta: .init(toolCalls: [.init(index: 0, arguments: "}"), .init(index: 1, arguments: ":1}")]))]
        accumulator.add(chunk)
        let response = accumulator.response()
        XCTAssertEqual(response.choices[0].message.toolCalls.map(\.id), ["a", "b"])
        XCTAssertEqual(response.choices[0].message.toolCalls.map(\.arguments), ["{}", "{\"y\":1}"])
        XCTAssertNil(response.choices[0].message.content)
        XCTAssertEqual(response.choices[0].finishReason, .toolCalls)  // cut stream, inferred
        XCTAssertNil(accumulator.usage)
    }
}
