import XCTest
import LayersCore
import LayersModels
@testable import LayersGateway

/// Chunks that change only in `model` keep the provider's bytes (model spliced in) instead of being re-serialised;
/// the bytes must be exactly what re-serialising would have written, however the stream is cut into reads.
final class OpenAIStreamPassThroughTests: XCTestCase {
    static let modelID = "morph/morph-v3-fast"

    func translator(_ api: ProviderAPI = .openAICompatible, reasoningFormat: String? = nil) throws
        -> OpenAIStreamTranslator {
        let model = try XCTUnwrap(ModelRegistry.builtIn.model(id: Self.modelID))
        var request: JSONObject = ["model": .string(Self.modelID), "messages": []]
        if let reasoningFormat { request["reasoning_format"] = .string(reasoningFormat) }
        return OpenAIStreamTranslator(model: model, api: api, request: request, requestBytes: 100,
                                      context: ProviderContext(provider: "morph", model: Self.modelID))
    }

    /// Feeds `pieces` as consecutive upstream reads; returns the chunks and the wire bytes a relay would write.
    func run(_ pieces: [[UInt8]], _ translator: OpenAIStreamTranslator) throws
        -> (chunks: [TranslatedChunk], wire: [UInt8]) {
        var translator = translator
        var decoder = SSEDecoder()
        var chunks: [TranslatedChunk] = []
        for piece in pieces { try decoder.feed(piece) { try translator.translate($0, into: &chunks) } }
        if let last = decoder.finish() { try translator.translate(last, into: &chunks) }
        try translator.finish(into: &chunks)
        var wire: [UInt8] = []
        for chunk in chunks {
            if let encoded = chunk.encoded {
                XCTAssertEqual(String(decoding: encoded, as: UTF8.self),
                               String(decoding: chunk.object.serializedBytes(), as: UTF8.self))
            }
            XCTAssertEqual(chunk.object["model"]?.stringValue, Self.modelID)
            wire += chunk.encoded ?? chunk.object.serializedBytes()
            wire.append(0x0A)
        }
        return (chunks, wire)
    }

    static func chunk(_ delta: String, finish: String = "null", extra: String = "") -> String {
        #"{"id":"chatcmpl-9x","object":"chat.completion.chunk","created":1700000000,"model":"upstream-m"\#(extra),"#
            + #""choices":[{"index":0,"delta":\#(delta),"logprobs":null,"finish_reason":\#(finish)}]}"#
    }

    /// A stream with everything the translator treats differently: role chunk, a think block cut across events,
    /// escapes the writer also writes, non-ASCII text, a tool call, a nested `model` key, a finish chunk, usage.
    static let stream: String = {
        let events = [
            chunk(#"{"role":"assistant","content":""}"#),
            chunk(#"{"content":"<thi"}"#),
            chunk(#"{"content":"nk>plan: \"a\" \\ b</th"}"#),
            chunk(#"{"content":"ink>\n\nAnswer"}"#),
            chunk(#"{"content":" with \"quotes\", tabs\t, a \u001f control and é ✓ 🚀"}"#),
            chunk(#"{"content":" and a nested key","meta":{"model":"keep-me","n":[1,2.5e-3,{"model":null}]}}"#),
            chunk(#"{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"x\":1}"}}]}"#),
            chunk("{}", finish: #""stop""#),
            #"{"id":"chatcmpl-9x","object":"chat.completion.chunk","created":1700000000,"model":"upstream-m","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":9,"total_tokens":21}}"#,
        ]
        return events.map { "data: \($0)\n\n" }.joined() + "data: [DONE]\n\n"
    }()

    func testUnchangedChunksKeepTheProviderBytesWithTheModelSpliced() throws {
        let (chunks, _) = try run([Array(Self.stream.utf8)], try translator())
        let encoded = chunks.filter { $0.encoded != nil }.count
        // Rebuilt: the three think-block chunks and the closing usage chunk; every other chunk keeps its bytes.
        XCTAssertEqual(encoded, chunks.count - 4, "\(chunks.map { $0.encoded != nil })")
        XCTAssertTrue(String(decoding: chunks[0].encoded ?? [], as: UTF8.self)
            .hasPrefix(#"{"id":"chatcmpl-9x","object":"chat.completion.chunk","created":1700000000,"model":"morph/morph-v3-fast","#))
        let nested = try XCTUnwrap(chunks.first { $0.object["choices"]?[0]?["delta"]?["meta"] != nil })
        XCTAssertNotNil(nested.encoded)
        XCTAssertEqual(nested.object["choices"]?[0]?["delta"]?["meta"]?["model"]?.stringValue, "keep-me")
    }

    func testEveryByteBoundaryGivesTheSameOutput() throws {
        let bytes = Array(Self.stream.utf8)
        for api in [ProviderAPI.openAICompatible, .openAI] {
            let whole = try run([bytes], try translator(api))
            for cut in 1..<bytes.count {
                let split = try run([Array(bytes[..<cut]), Array(bytes[cut...])], try translator(api))
                XCTAssertEqual(split.wire, whole.wire, "cut at byte \(cut)")
                XCTAssertEqual(split.chunks.map { $0.encoded != nil }, whole.chunks.map { $0.encoded != nil })
            }
            let byteByByte = try run(bytes.map { [$0] }, try translator(api))
            XCTAssertEqual(byteByByte.wire, whole.wire)
        }
    }

    func testTextNotInTheWritersFormIsReserialised() throws {
        let variants = [
            #"{"id": "a", "model":"m","choices":[{"index":0,"delta":{"content":"x"}}]}"#,    // whitespace
            #"{"id":"a","model":"m","choices":[{"index":0,"delta":{"content":"a\/b"}}]}"#,   // \/
            #"{"id":"a","model":"m","choices":[{"index":0,"delta":{"content":"\u00e9"}}]}"#, // \u for non-control
            #"{"id":"a","model":"m","choices":[{"index":0,"delta":{"content":"\u000a"}}]}"#, // \u with a short form
            #"{"id":"a","model":"m","choices":[{"index":0,"delta":{"content":"\u001F"}}]}"#, // upper-case hex
            #"{"id":"a","choices":[{"index":0,"delta":{"content":"x"}}]}"#,                  // no model member
            #"{"id":"a","model":"m","choices":[{"index":0,"delta":{"content":"x"}}],"usage":null}"#,  // edited
        ]
        for text in variants {
            let (chunks, _) = try run([Array("data: \(text)\n\ndata: [DONE]\n\n".utf8)], try translator(.openAI))
            XCTAssertEqual(chunks.count, 2, text)  // the chunk and the closing usage chunk
            XCTAssertNil(chunks[0].encoded, text)
        }
    }

    func testSpliceFindsOnlyTheTopLevelMember() throws {
        func splice(_ text: String, _ value: String) -> String? {
            Array(text.utf8).withUnsafeBufferPointer {
                CompactJSONSplice.replacingMember("model", with: Array(value.utf8), in: $0)
            }.map { String(decoding: $0, as: UTF8.self) }
        }
        XCTAssertEqual(splice(#"{"a":{"model":1},"model":"x","b":[{"model":2}]}"#, #""y""#),
                       #"{"a":{"model":1},"model":"y","b":[{"model":2}]}"#)
        XCTAssertEqual(splice(#"{"model":null}"#, #""y""#), #"{"model":"y"}"#)
        XCTAssertEqual(splice(#"{"model":{"a":[1,{"b":"}"}]},"c":1}"#, #""y""#), #"{"model":"y","c":1}"#)
        XCTAssertEqual(splice(#"{"x":"\"model\":","model":"\\"}"#, #""y""#), #"{"x":"\"model\":","model":"y"}"#)
        XCTAssertEqual(splice(#"{"modelx":1,"mode":2}"#, #""y""#), nil)
        XCTAssertEqual(splice(#"{"model" :"x"}"#, #""y""#), nil)
        XCTAssertEqual(splice(#"[{"model":"x"}]"#, #""y""#), nil)
    }
}
