import XCTest
@testable import LayersCore

final class SSEEncoderTests: XCTestCase {
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    func testDataOnly() {
        XCTAssertEqual(text(SSEEncoder.encode(SSEEvent(data: "{\"a\":1}"))), "data: {\"a\":1}\n\n")
    }

    func testAllFields() {
        let event = SSEEvent(event: "message_start", data: "x", id: "9", retry: 3000)
        XCTAssertEqual(text(SSEEncoder.encode(event)), "id: 9\nevent: message_start\nretry: 3000\ndata: x\n\n")
    }

    func testMultiLineDataSplitsIntoDataLines() {
        XCTAssertEqual(text(SSEEncoder.encode(SSEEvent(data: "a\nb\r\nc\rd"))),
                       "data: a\ndata: b\ndata: c\ndata: d\n\n")
        XCTAssertEqual(text(SSEEncoder.encode(SSEEvent(data: ""))), "data: \n\n")
    }

    func testNewlinesInNameAndIDCannotInjectFields() {
        let event = SSEEvent(event: "x\ndata: injected", data: "real", id: "1\r\n")
        let encoded = text(SSEEncoder.encode(event))
        XCTAssertEqual(encoded, "id: 1  \nevent: x data: injected\ndata: real\n\n")
    }

    func testDoneAndComment() {
        XCTAssertEqual(text(SSEEncoder.done), "data: [DONE]\n\n")
        var out: [UInt8] = []
        SSEEncoder.writeComment("keep-alive", to: &out)
        SSEEncoder.writeData(Array("{}".utf8), to: &out)
        XCTAssertEqual(text(out), ": keep-alive\n\ndata: {}\n\n")
    }

    func testRoundTripThroughDecoder() throws {
        let events = [
            SSEEvent(data: "plain"),
            SSEEvent(event: "content_block_delta", data: "{\"text\":\"hi\"}"),
            SSEEvent(data: "  leading spaces\nsecond line\n\nfourth"),
            SSEEvent(data: ""),
            SSEEvent(data: "héllo 🚀", id: "abc", retry: 5),
            SSEEvent(data: "[DONE]", id: "abc"),
        ]
        var bytes: [UInt8] = []
        for event in events { SSEEncoder.write(event, to: &bytes) }
        var decoder = SSEDecoder()
        XCTAssertEqual(try decoder.decode(bytes), events)
    }
}

final class SSEEncoderJSONTests: XCTestCase {
    func testWriteJSON() throws {
        var out: [UInt8] = []
        SSEEncoder.writeJSON(["a": "line\nbreak", "b": 1], to: &out)
        SSEEncoder.writeJSON(["type": "ping"], event: "ping", to: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self),
                       "data: {\"a\":\"line\\nbreak\",\"b\":1}\n\nevent: ping\ndata: {\"type\":\"ping\"}\n\n")
        var decoder = SSEDecoder()
        let events = try decoder.decode(out)
        XCTAssertEqual(try JSONValue.parse(events[0].data)["a"], "line\nbreak")
        XCTAssertEqual(events[1].event, "ping")
    }
}
