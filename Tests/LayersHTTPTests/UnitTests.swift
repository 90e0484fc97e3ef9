import XCTest
@testable import LayersHTTP

/// Pure value-level tests: parser, headers, SSE encoding, status/date formatting.
final class UnitTests: XCTestCase {
    private func parseAll(_ bytes: [UInt8], splitAt split: Int? = nil, limits: RequestParserLimits = .init())
        throws -> [(RequestHead, [UInt8])]
    {
        var parser = RequestParser(limits: limits)
        var pending: [UInt8] = []
        var messages: [(RequestHead, [UInt8])] = []
        let pieces = split.map { [Array(bytes[..<$0]), Array(bytes[$0...])] } ?? [bytes]
        for piece in pieces {
            pending += piece
            while !pending.isEmpty {
                let (consumed, event) = try pending.withUnsafeBufferPointer { try parser.parse($0) }
                pending.removeFirst(consumed)
                if case .message(let head, let body) = event { messages.append((head, body)) }
                if case .needMore = event { break }
            }
        }
        return messages
    }

    func testParserHandlesEverySplitPoint() throws {
        let text = "POST /a?x=1 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n4;e=1\r\nwiki\r\n5\r\npedia\r\n0\r\nT: v\r\n\r\n"
            + "GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
            + "PUT /c HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nxyz"
        let bytes = Array(text.utf8)
        for split in 0...bytes.count {
            let messages = try parseAll(bytes, splitAt: split)
            XCTAssertEqual(messages.count, 3, "split at \(split)")
            XCTAssertEqual(messages.map(\.0.method), [.post, .get, .put])
            XCTAssertEqual(messages.map(\.0.target), ["/a?x=1", "/b", "/c"])
            XCTAssertEqual(messages.map { String(decoding: $0.1, as: UTF8.self) }, ["wikipedia", "", "xyz"])
            XCTAssertEqual(messages.map(\.0.keepAlive), [true, true, true])
            XCTAssertEqual(messages[1].0.version, .http1_0)
        }
    }

    func testParserLimits() {
        let limits = RequestParserLimits(maxRequestLineBytes: 32, maxHeaderBytes: 64, maxHeaderCount: 2, maxBodyBytes: 4)
        func error(_ text: String) -> HTTPParseError? {
            do {
                _ = try parseAll(Array(text.utf8), limits: limits)
                return nil
            } catch {
                return error as? HTTPParseError
            }
        }
        XCTAssertEqual(error("GET /\(String(repeating: "a", count: 40)) HTTP/1.1\r\n"), .requestLineTooLong)
        XCTAssertEqual(error("GET / HTTP/1.1\r\nHost: h\r\nX: \(String(repeating: "a", count: 60))\r\n\r\n"), .headersTooLarge)
        XCTAssertEqual(error("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n"), .tooManyHeaders)
        XCTAssertEqual(error("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n"), .bodyTooLarge)
        XCTAssertNil(error("GET / HTTP/1.1\r\nHost: h\r\n\r\n"))
    }

    func testHeadersAreCaseInsensitiveAndOrdered() {
        var headers: HTTPHeaders = ["Content-Type": "a", "X-Multi": "1"]
        headers.add(name: "x-multi", value: "2")
        XCTAssertEqual(headers["content-type"], "a")
        XCTAssertEqual(headers.values(for: "X-MULTI"), ["1", "2"])
        headers.replaceOrAdd(name: "X-Multi", value: "3")
        XCTAssertEqual(headers.values(for: "x-multi"), ["3"])
        headers["content-type"] = nil
        XCTAssertFalse(headers.contains("Content-Type"))
        XCTAssertEqual(headers.map(\.name), ["X-Multi"])
    }

    func testServerSentEventEncoding() {
        XCTAssertEqual(String(decoding: ServerSentEvent(data: "a\nb\r\nc", event: "up\ndate", id: "7").encoded(), as: UTF8.self),
                       "event: update\nid: 7\ndata: a\ndata: b\ndata: c\n\n")
        XCTAssertEqual(String(decoding: ServerSentEvent(data: "").encoded(), as: UTF8.self), "data: \n\n")
    }

    func testRequestQueryAndPath() {
        let request = HTTPRequest(method: .get, target: "/v1/x%2Fy?a=1&b=two+words&c=%E2%9C%93&flag")
        XCTAssertEqual(request.path, "/v1/x%2Fy")
        XCTAssertEqual(request.queryValue("b"), "two words")
        XCTAssertEqual(request.queryValue("c"), "✓")
        XCTAssertEqual(request.queryValue("flag"), "")
        XCTAssertNil(request.queryValue("zzz"))
    }

    func testResponseHeadKeepsOnlyWellFormedHandlerHeaders() {
        let headers = HTTPHeaders([("X-Good", "tab\tallowed"), ("X-Split", "a\r\nInjected: 1"), ("Bad Name", "v"),
                                   ("X-Del", "a\u{7F}b"), ("X-Nul", "a\u{0}b"), ("", "empty name"),
                                   ("Content-Length", "99"), ("X-Request-Id", "mine"), ("X-Ünicode", "v"),
                                   ("X-Value", "ünïcode ok")])
        var out: [UInt8] = []
        ResponseHeadWriter.write(status: HTTPStatus(200), headers: headers, version: .http1_1, requestID: "srv",
                                 keepAlive: true, contentLength: 2, chunked: false, date: Array("Date: D\r\n".utf8),
                                 serverName: "s", into: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self),
                       "HTTP/1.1 200 OK\r\nX-Good: tab\tallowed\r\nX-Request-Id: mine\r\nX-Value: ünïcode ok\r\n"
                       + "Content-Length: 2\r\nDate: D\r\nServer: s\r\n\r\n")
    }

    func testDateHeaderFormat() {
        XCTAssertEqual(String(decoding: DateHeaderCache.format(784111777), as: UTF8.self), "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n")
    }

    func testDecimalAndHexFormatting() {
        for value in [0, 7, 10, 99, 1024, 123_456_789, Int(Int32.max)] {
            var out: [UInt8] = []
            appendDecimal(value, to: &out)
            XCTAssertEqual(String(decoding: out, as: UTF8.self), String(value))
            out = []
            appendHex(value, to: &out)
            XCTAssertEqual(String(decoding: out, as: UTF8.self), String(value, radix: 16))
        }
    }

    func testErrorBodyIsOpenAIShaped() {
        let response = HTTPResponse.error(.payloadTooLarge, message: "too \"big\"\n", code: "too_large")
        guard case .bytes(let bytes) = response.body else { return XCTFail() }
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self),
                       #"{"error":{"message":"too \"big\"\n","type":"invalid_request_error","param":null,"code":"too_large"}}"#)
    }
}
