import Foundation
import XCTest
@testable import LayersCore

final class SSEDecoderTests: XCTestCase {
    private func decodeAll(_ text: String, finish: Bool = false) throws -> [SSEEvent] {
        var decoder = SSEDecoder()
        var events = try decoder.decode(Array(text.utf8))
        if finish, let last = decoder.finish() { events.append(last) }
        return events
    }

    /// Feeds `bytes` split in two at every offset, and in single bytes, and checks that the
    /// events are the same as when fed whole.
    private func assertSplitInvariant(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let bytes = Array(text.utf8)
        let whole = try decodeAll(text)
        for cut in 0...bytes.count {
            var decoder = SSEDecoder()
            var events = try decoder.decode(bytes[..<cut])
            events += try decoder.decode(bytes[cut...])
            XCTAssertEqual(events, whole, "split at \(cut)", file: file, line: line)
        }
        var decoder = SSEDecoder()
        var events: [SSEEvent] = []
        for byte in bytes { events += try decoder.decode([byte]) }
        XCTAssertEqual(events, whole, "byte by byte", file: file, line: line)
    }

    func testSingleEvent() throws {
        XCTAssertEqual(try decodeAll("data: hello\n\n"), [SSEEvent(data: "hello")])
    }

    func testNoEventUntilBlankLine() throws {
        var decoder = SSEDecoder()
        XCTAssertEqual(try decoder.decode(Array("data: a\n".utf8)), [])
        XCTAssertEqual(try decoder.decode(Array("\n".utf8)), [SSEEvent(data: "a")])
    }

    func testMultiLineDataJoinedWithNewline() throws {
        XCTAssertEqual(try decodeAll("data: line1\ndata: line2\ndata:\ndata: line4\n\n"),
                       [SSEEvent(data: "line1\nline2\n\nline4")])
    }

    func testOnlyOneLeadingSpaceIsStripped() throws {
        XCTAssertEqual(try decodeAll("data:no space\n\ndata:  two spaces\n\n"),
                       [SSEEvent(data: "no space"), SSEEvent(data: " two spaces")])
    }

    func testCommentsAreIgnored() throws {
        let text = ": keep-alive\n\n:another\ndata: x\n: mid-event comment\ndata: y\n\n"
        XCTAssertEqual(try decodeAll(text), [SSEEvent(data: "x\ny")])
    }

    func testEventNamesAndTypeReset() throws {
        let text = "event: message_start\ndata: {\"a\":1}\n\ndata: plain\n\nevent:\ndata: empty-name\n\n"
        let events = try decodeAll(text)
        XCTAssertEqual(events.map(\.event), ["message_start", nil, nil])
        XCTAssertEqual(events.map(\.type), ["message_start", "message", "message"])
        XCTAssertEqual(events[0].data, "{\"a\":1}")
    }

    func testEventWithoutDataIsNotDispatched() throws {
        XCTAssertEqual(try decodeAll("event: ping\n\ndata: after\n\n"), [SSEEvent(data: "after")])
    }

    func testEmptyDataLineDispatchesEmptyEvent() throws {
        XCTAssertEqual(try decodeAll("data\n\ndata:\n\n"), [SSEEvent(data: ""), SSEEvent(data: "")])
    }

    func testIDPersistsAndNULIsIgnored() throws {
        let text = "id: 7\ndata: a\n\ndata: b\n\nid: 8\u{0}x\ndata: c\n\nid\ndata: d\n\n"
        let events = try decodeAll(text)
        XCTAssertEqual(events.map(\.id), ["7", "7", "7", nil])
    }

    func testRetry() throws {
        var decoder = SSEDecoder()
        let events = try decoder.decode(Array("retry: 1500\ndata: a\n\nretry: 15x\ndata: b\n\nretry: 20\n\n".utf8))
        XCTAssertEqual(events.map(\.retry), [1500, nil])
        XCTAssertEqual(decoder.reconnectionTime, 20)
    }

    func testUnknownFieldsIgnored() throws {
        XCTAssertEqual(try decodeAll("foo: bar\ndata: x\nbaz\n\n"), [SSEEvent(data: "x")])
    }

    func testLineEndings() throws {
        let expected = [SSEEvent(event: "e", data: "a\nb"), SSEEvent(data: "c")]
        XCTAssertEqual(try decodeAll("event: e\r\ndata: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n"), expected)
        XCTAssertEqual(try decodeAll("event: e\rdata: a\rdata: b\r\rdata: c\r\r"), expected)
        XCTAssertEqual(try decodeAll("event: e\ndata: a\r\ndata: b\r\rdata: c\n\r\n"), expected)
    }

    func testCRLFSplitAcrossReadsCountsOnce() throws {
        var decoder = SSEDecoder()
        XCTAssertEqual(try decoder.decode(Array("data: a\r".utf8)), [])
        // If the LF were taken as a second line end, "a" would be dispatched here.
        XCTAssertEqual(try decoder.decode(Array("\ndata: b\r".utf8)), [])
        XCTAssertEqual(try decoder.decode(Array("\n\r\n".utf8)), [SSEEvent(data: "a\nb")])
    }

    func testLoneCRAtEndOfReadThenData() throws {
        var decoder = SSEDecoder()
        XCTAssertEqual(try decoder.decode(Array("data: a\r".utf8)), [])
        XCTAssertEqual(try decoder.decode(Array("\r".utf8)), [SSEEvent(data: "a")])
    }

    func testBOMStrippedOnlyAtStart() throws {
        let bom = "\u{FEFF}"
        XCTAssertEqual(try decodeAll(bom + "data: x\n\n"), [SSEEvent(data: "x")])
        // BOM split across reads.
        var decoder = SSEDecoder()
        let bytes = Array((bom + "data: y\n\n").utf8)
        XCTAssertEqual(try decoder.decode(bytes[0..<1]), [])
        XCTAssertEqual(try decoder.decode(bytes[1..<2]), [])
        XCTAssertEqual(try decoder.decode(bytes[2...]), [SSEEvent(data: "y")])
        // A BOM later in the stream is content (here it breaks the field name).
        XCTAssertEqual(try decodeAll("data: a\n\n" + bom + "data: b\n\n"), [SSEEvent(data: "a")])
    }

    func testFieldStartingLikeBOMIsKept() throws {
        // 0xEF 0xBB followed by something else is not a BOM: those bytes stay in the line.
        var decoder = SSEDecoder()
        let events = try decoder.decode([0xEF, 0xBB, 0x41] + Array("\ndata: z\n\n".utf8))
        XCTAssertEqual(events, [SSEEvent(data: "z")])
    }

    func testDoneSentinel() throws {
        let events = try decodeAll("data: {\"x\":1}\n\ndata: [DONE]\n\n")
        XCTAssertEqual(events.map(\.isDone), [false, true])
    }

    func testFinishFlushesUnterminatedEvent() throws {
        XCTAssertEqual(try decodeAll("data: a\n\ndata: tail", finish: true),
                       [SSEEvent(data: "a"), SSEEvent(data: "tail")])
        XCTAssertEqual(try decodeAll("data: a\n\ndata: tail\n", finish: true),
                       [SSEEvent(data: "a"), SSEEvent(data: "tail")])
        XCTAssertEqual(try decodeAll("data: a\n\nevent: x\n", finish: true), [SSEEvent(data: "a")])
        var decoder = SSEDecoder()
        XCTAssertNil(decoder.finish())
    }

    func testUTF8SplitInsideCharacter() throws {
        try assertSplitInvariant("data: héllo — 世界 🚀\n\n")
        XCTAssertEqual(try decodeAll("data: héllo — 世界 🚀\n\n").first?.data, "héllo — 世界 🚀")
    }

    func testSplitAtEveryOffsetOpenAIStream() throws {
        let text = """
            data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant"}}]}

            : keep-alive

            data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi"}}]}

            data: [DONE]


            """
        try assertSplitInvariant(text)
        XCTAssertEqual(try decodeAll(text).count, 3)
    }

    func testSplitAtEveryOffsetAnthropicStreamWithCRLF() throws {
        let text = "event: message_start\r\ndata: {\"type\":\"message_start\"}\r\n\r\n"
            + "event: ping\r\ndata: {\"type\": \"ping\"}\r\n\r\n"
            + "event: content_block_delta\r\ndata: {\"type\":\"content_block_delta\",\r\ndata: \"delta\":{}}\r\n\r\n"
            + "id: 42\rretry: 10\rdata: cr-only\r\r"
        try assertSplitInvariant(text)
        let events = try decodeAll(text)
        XCTAssertEqual(events.map(\.type), ["message_start", "ping", "content_block_delta", "message"])
        XCTAssertEqual(events[2].data, "{\"type\":\"content_block_delta\",\n\"delta\":{}}")
        XCTAssertEqual(events[3].id, "42")
        XCTAssertEqual(events[3].retry, 10)
    }

    func testSplitAtEveryOffsetWithBOMAndComments() throws {
        try assertSplitInvariant("\u{FEFF}:c\r\ndata: 1\r\n\r\nevent: e\ndata\n\n")
    }

    func testEventTooLargeThrows() {
        var decoder = SSEDecoder(maxEventBytes: 16)
        XCTAssertThrowsError(try decoder.decode(Array("data: 0123456789abcdef0123\n\n".utf8))) { error in
            XCTAssertEqual(error as? SSEDecoderError, .eventTooLarge(limit: 16))
        }
        // Also when the oversize line arrives in pieces without a line end.
        var pieces = SSEDecoder(maxEventBytes: 16)
        XCTAssertNoThrow(try pieces.decode(Array("data: 0123".utf8)))
        XCTAssertThrowsError(try pieces.decode(Array("456789abcdef".utf8)))
        // Many small data lines add up too.
        var lines = SSEDecoder(maxEventBytes: 16)
        XCTAssertThrowsError(try lines.decode(Array("data: 12345\ndata: 12345\ndata: 12345\n".utf8)))
    }

    func testFeedCallbackErrorsPropagate() {
        struct Stop: Error {}
        var decoder = SSEDecoder()
        XCTAssertThrowsError(try decoder.feed(Array("data: a\n\n".utf8)) { _ in throw Stop() }) {
            XCTAssertTrue($0 is Stop)
        }
    }

    func testNonContiguousSequenceInput() throws {
        var decoder = SSEDecoder()
        let lazy = "data: lazy\n\n".utf8.lazy.map { $0 }
        XCTAssertEqual(try decoder.decode(lazy), [SSEEvent(data: "lazy")])
    }
}

/// Randomised (but seeded, so reproducible) round trips: random events, encoded with random
/// line endings and comments, fed in random-sized reads, must decode to the same events.
final class SSERandomRoundTripTests: XCTestCase {
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    func testRandomStreams() throws {
        var rng = SplitMix64(state: 20_261_125)
        let alphabet = Array("ab {}\":,é🚀[]DONE\n\r".unicodeScalars)
        for _ in 0..<300 {
            var events: [SSEEvent] = []
            var bytes: [UInt8] = []
            if Bool.random(using: &rng) { bytes += [0xEF, 0xBB, 0xBF] }
            var lastID: String? = nil
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                let length = Int.random(in: 0...12, using: &rng)
                var data = String(String.UnicodeScalarView((0..<length).map { _ in alphabet.randomElement(using: &rng)! }))
                // Our encoder maps CRLF/CR to LF; the decoder returns LF-joined lines.
                data = data.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
                let name: String? = Bool.random(using: &rng) ? "evt\(Int.random(in: 0...9, using: &rng))" : nil
                if Int.random(in: 0...3, using: &rng) == 0 { lastID = "id\(Int.random(in: 0...99, using: &rng))" }
                let event = SSEEvent(event: name, data: data, id: lastID)
                events.append(event)
                var encoded = SSEEncoder.encode(event)
                let ending = ["\n", "\r\n", "\r"].randomElement(using: &rng)!
                encoded = Array(String(decoding: encoded, as: UTF8.self)
                    .replacingOccurrences(of: "\n", with: ending).utf8)
                if Bool.random(using: &rng) { bytes += Array(": comment\(ending)".utf8) }
                bytes += encoded
            }
            var decoder = SSEDecoder()
            var decoded: [SSEEvent] = []
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + Int.random(in: 1...17, using: &rng))
                decoded += try decoder.decode(bytes[offset..<end])
                offset = end
            }
            XCTAssertEqual(decoded, events, String(decoding: bytes, as: UTF8.self))
        }
    }
}
