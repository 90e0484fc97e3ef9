import XCTest
@testable import LayersHTTP

/// `HTTPServerConfiguration.refusalResponse`: the application chooses the answer to requests the server refuses
/// by itself (413, 400, 431, 408, …), by the refused request's path; without it the answer is OpenAI-shaped.
final class RefusalResponseTests: XCTestCase {
    /// Records every refusal and answers a marked body on paths under `/special`, the default elsewhere.
    private static func server(
        _ configure: (inout HTTPServerConfiguration) -> Void = { _ in }
    ) throws -> (TestServer, Recorder<HTTPRefusal>) {
        let seen = Recorder<HTTPRefusal>()
        let server = try TestServer({
            configure(&$0)
            $0.refusalResponse = { refusal in
                seen.append(refusal)
                guard let path = refusal.path, path.hasPrefix("/special") else { return refusal.defaultResponse }
                var response = HTTPResponse.json(
                    Array(#"{"type":"error","error":{"type":"special","message":"\#(refusal.message)"}}"#.utf8),
                    status: refusal.status)
                response.headers["x-refusal"] = "special"
                return response
            }
        }, responder: testRouter())
        return (server, seen)
    }

    private func exchange(_ server: TestServer, _ request: String) throws -> RawClient.Response {
        let client = try server.client()
        client.send(request)
        let response = try client.readResponse()
        XCTAssertEqual(response.header("connection")?.lowercased(), "close", request)
        XCTAssertTrue(client.isClosedByPeer(), request)
        return response
    }

    func testOversizedBodyOnAChosenPathGetsTheApplicationsBody() async throws {
        let (server, seen) = try Self.server { $0.maxBodyBytes = 16 }
        let special = try exchange(server, "POST /special/messages?beta=true HTTP/1.1\r\nHost: t\r\nContent-Length: 17\r\n\r\n")
        XCTAssertEqual(special.status, 413)
        XCTAssertEqual(special.header("x-refusal"), "special")
        XCTAssertEqual(special.bodyText, #"{"type":"error","error":{"type":"special","message":"Request body too large"}}"#)
        XCTAssertNotNil(special.header("x-request-id"))

        let other = try exchange(server, "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 17\r\n\r\n")
        XCTAssertEqual(other.status, 413)
        XCTAssertNil(other.header("x-refusal"))
        XCTAssertEqual(other.bodyText,
                       #"{"error":{"message":"Request body too large","type":"invalid_request_error","param":null,"code":null}}"#)

        let refusals = seen.all
        XCTAssertEqual(refusals.count, 2)
        XCTAssertEqual(refusals.first?.cause, .parseError(.bodyTooLarge))
        XCTAssertEqual(refusals.first?.method, .post)
        XCTAssertEqual(refusals.first?.path, "/special/messages")  // without the query
        XCTAssertEqual(refusals.first?.requestID, special.header("x-request-id"))
        XCTAssertEqual(refusals.last?.path, "/echo")
        try server.assertServes()
        await server.stop()
    }

    func testOversizedChunkedBodyAndExpectContinueKnowTheirPath() async throws {
        let (server, seen) = try Self.server { $0.maxBodyBytes = 16 }
        let chunked = try exchange(server, "POST /special HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                                   + "10\r\n0123456789abcdef\r\n1\r\nx\r\n0\r\n\r\n")
        XCTAssertEqual(chunked.status, 413)
        XCTAssertEqual(chunked.header("x-refusal"), "special")
        // Refused instead of `100 Continue`, before any body byte is sent.
        let expecting = try exchange(server, "POST /special HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 99\r\n\r\n")
        XCTAssertEqual(expecting.status, 413)
        XCTAssertEqual(expecting.header("x-refusal"), "special")
        XCTAssertEqual(seen.all.map(\.path), ["/special", "/special"])
        await server.stop()
    }

    func testMalformedAndOversizedHeadsAreDescribedWhenTheRequestLineIsKnown() async throws {
        let (server, seen) = try Self.server {
            $0.maxRequestLineBytes = 64
            $0.maxHeaderBytes = 256
        }
        let cases: [(request: String, status: Int, cause: HTTPParseError, path: String?)] = [
            ("POST /special HTTP/1.1\r\nContent-Length: 1\r\n\r\nx", 400, .missingHost, "/special"),
            ("POST /special HTTP/1.1\r\nHost: t\r\nContent-Length: 1, 2\r\n\r\n", 400, .conflictingContentLength, "/special"),
            ("POST /special HTTP/1.1\r\nHost: t\r\nX-Big: \(String(repeating: "b", count: 300))\r\n\r\n", 431,
             .headersTooLarge, "/special"),
            ("GET /special/\(String(repeating: "a", count: 80)) HTTP/1.1\r\nHost: t\r\n\r\n", 414,
             .requestLineTooLong, nil),
            ("GET  /special HTTP/1.1\r\nHost: t\r\n\r\n", 400, .invalidRequestLine, nil),
            ("GET /special HTTP/2.0\r\nHost: t\r\n\r\n", 505, .unsupportedVersion, nil),
        ]
        for (request, status, cause, path) in cases {
            let response = try exchange(server, request)
            XCTAssertEqual(response.status, status, request)
            XCTAssertEqual(response.header("x-refusal"), path == nil ? nil : "special", request)
            XCTAssertEqual(seen.all.last?.cause, .parseError(cause), request)
            XCTAssertEqual(seen.all.last?.path, path, request)
        }
        XCTAssertEqual(seen.all.count, cases.count)
        try server.assertServes()
        await server.stop()
    }

    func testTimeoutsAreDescribedWithThePathWhenTheRequestLineArrived() async throws {
        let (server, seen) = try Self.server {
            $0.headerReadTimeout = .milliseconds(150)
            $0.bodyReadTimeout = .milliseconds(150)
        }
        let body = try exchange(server, "POST /special/slow HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
        XCTAssertEqual(body.status, 408)
        XCTAssertEqual(body.header("x-refusal"), "special")
        let head = try exchange(server, "POST /special/slow HTTP/1.1\r\nHost: t\r\nX-Slow: ")
        XCTAssertEqual(head.status, 408)
        XCTAssertEqual(head.header("x-refusal"), "special")
        let line = try exchange(server, "POST /special/sl")
        XCTAssertEqual(line.status, 408)
        XCTAssertNil(line.header("x-refusal"))
        XCTAssertEqual(seen.all.map(\.cause), [.timeout, .timeout, .timeout])
        XCTAssertEqual(seen.all.map(\.path), ["/special/slow", "/special/slow", nil])
        await server.stop()
    }

    func testARefusalAnsweredWithAStreamGetsTheDefaultAnswer() async throws {
        let server = try TestServer({
            $0.maxBodyBytes = 16
            $0.refusalResponse = { _ in .eventStream { writer in try await writer.writeEvent(data: "no") } }
        }, responder: testRouter())
        let response = try exchange(server, "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 17\r\n\r\n")
        XCTAssertEqual(response.status, 413)
        XCTAssertEqual(response.header("content-type"), "application/json")
        XCTAssertTrue(response.bodyText.hasPrefix(#"{"error":{"message":"Request body too large""#), response.bodyText)
        try server.assertServes()
        await server.stop()
    }

    func testPendingRequestLineComesFromTheBytesOrTheParsedHead() throws {
        let limits = RequestParserLimits()
        func line(_ text: String, parser: RequestParser = RequestParser(limits: limits)) -> String? {
            Array(text.utf8).withUnsafeBufferPointer { bytes in
                parser.pendingRequestLine(bytes).map { "\($0.method) \($0.target)" }
            }
        }
        XCTAssertEqual(line("\r\nPUT /a/b?c=d HTTP/1.1\r\nHost: t\r\nX-Partial: "), "PUT /a/b?c=d")
        XCTAssertEqual(line("GET http://example.com/x HTTP/1.1\r\n"), "GET /x")
        XCTAssertNil(line("GET /a/b HTTP/1.1"))        // the request line has not ended
        XCTAssertNil(line("GET /a/b HTTP/9.9\r\n"))     // a malformed request line tells nothing
        XCTAssertNil(line(""))

        var parser = RequestParser(limits: RequestParserLimits(maxBodyBytes: 4))
        let head = Array("POST /chunked HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        let consumed = try head.withUnsafeBufferPointer { try parser.parse($0).consumed }
        XCTAssertEqual(consumed, head.count)
        XCTAssertEqual(line("5\r\nhello\r\n", parser: parser), "POST /chunked")  // from the parsed head
        XCTAssertThrowsError(try Array("5\r\nhello\r\n".utf8).withUnsafeBufferPointer { try parser.parse($0) }) {
            XCTAssertEqual($0 as? HTTPParseError, .bodyTooLarge)
        }
        XCTAssertEqual(line("", parser: parser), "POST /chunked")  // kept after the decoder's error
    }

    func testRouterMethodNotAllowedCanBeReplacedAndKeepsAllow() async throws {
        var router = testRouter()
        router.methodNotAllowed = { request in .text("no \(request.method)", status: .methodNotAllowed) }
        let response = await router.respond(to: HTTPRequest(method: .delete, target: "/echo"))
        XCTAssertEqual(response.status, .methodNotAllowed)
        XCTAssertEqual(response.headers["allow"], "POST, OPTIONS")
        guard case .bytes(let body) = response.body else { return XCTFail("expected bytes") }
        XCTAssertEqual(String(decoding: body, as: UTF8.self), "no DELETE")
    }
}
