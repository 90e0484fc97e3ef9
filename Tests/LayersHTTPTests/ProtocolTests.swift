import XCTest
@testable import LayersHTTP

/// Keep-alive, pipelining, HTTP/1.0, request bodies, 100-continue and body-less framing over real sockets.
final class ProtocolTests: XCTestCase {
    var server: TestServer!

    override func setUp() async throws {
        server = try TestServer(responder: testRouter())
    }

    override func tearDown() async throws {
        await server.stop()
    }

    func testKeepAliveServesManyRequestsOnOneConnection() throws {
        let client = try server.client()
        for index in 0..<20 {
            client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: \(String(index).utf8.count)\r\n\r\n\(index)")
            let response = try client.readResponse()
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(response.bodyText, "\(index)")
            XCTAssertNil(response.header("connection"))
            XCTAssertNotNil(response.header("date"))
        }
    }

    func testPipelinedRequestsAnswerInOrder() throws {
        let client = try server.client()
        var batch = ""
        for index in 0..<50 {
            batch += "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: \(String(index).utf8.count)\r\n\r\n\(index)"
            if index % 7 == 0 { batch += "GET /health HTTP/1.1\r\nHost: t\r\n\r\n" }
        }
        client.send(batch)
        for index in 0..<50 {
            XCTAssertEqual(try client.readResponse().bodyText, "\(index)")
            if index % 7 == 0 { XCTAssertEqual(try client.readResponse().bodyText, "ok") }
        }
    }

    func testPipelinedRequestsSentByteByByte() throws {
        let client = try server.client()
        let text = "GET /health HTTP/1.1\r\nHost: t\r\n\r\nPOST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
        for byte in text.utf8 { client.send([byte]) }
        XCTAssertEqual(try client.readResponse().bodyText, "ok")
        XCTAssertEqual(try client.readResponse().bodyText, "abc")
    }

    func testHTTP10ClosesByDefault() throws {
        let client = try server.client()
        client.send("GET /health HTTP/1.0\r\n\r\n")
        let response = try client.readResponse()
        XCTAssertEqual(response.bodyText, "ok")
        XCTAssertEqual(response.header("connection")?.lowercased(), "close")
        XCTAssertTrue(client.isClosedByPeer())
    }

    func testHTTP10KeepAliveWhenAsked() throws {
        let client = try server.client()
        for _ in 0..<3 {
            client.send("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let response = try client.readResponse()
            XCTAssertEqual(response.bodyText, "ok")
            XCTAssertEqual(response.header("connection")?.lowercased(), "keep-alive")
        }
    }

    func testHTTP10StreamIsCloseDelimited() throws {
        let client = try server.client()
        client.send("GET /stream?n=2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        let response = try client.readResponse()
        XCTAssertNil(response.header("transfer-encoding"))
        XCTAssertEqual(response.header("connection")?.lowercased(), "close")
        XCTAssertEqual(response.bodyText, "data: event 0\n\ndata: event 1\n\n")
    }

    func testConnectionCloseIsHonoured() throws {
        let client = try server.client()
        client.send("GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        let response = try client.readResponse()
        XCTAssertEqual(response.header("connection")?.lowercased(), "close")
        XCTAssertTrue(client.isClosedByPeer())
    }

    func testChunkedRequestBody() throws {
        let client = try server.client()
        client.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
        client.send("5\r\nhello\r\n")
        client.send("1;name=value\r\n \r\n")
        client.send("A\r\n0123456789\r\n0\r\nX-Trailer: yes\r\n\r\n")
        let response = try client.readResponse()
        XCTAssertEqual(response.bodyText, "hello 0123456789")
    }

    func testLargeContentLengthBodyInPieces() throws {
        let client = try server.client()
        let body = [UInt8]((0..<300_000).map { UInt8($0 % 251) })
        client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.count)\r\n\r\n")
        for start in stride(from: 0, to: body.count, by: 70_001) {
            client.send(Array(body[start..<min(start + 70_001, body.count)]))
        }
        XCTAssertEqual(try client.readResponse().body, body)
    }

    func testExpectContinue() throws {
        let client = try server.client()
        client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        let interim = try client.readResponse()
        XCTAssertEqual(interim.status, 100)
        client.send("hello")
        XCTAssertEqual(try client.readResponse().bodyText, "hello")
    }

    func testExpectContinueWithOversizedBodyIsRefusedUpFront() async throws {
        let small = try TestServer({ $0.maxBodyBytes = 10 }, responder: testRouter())
        let client = try small.client()
        client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n")
        XCTAssertEqual(try client.readResponse().status, 413)
        await small.stop()
    }

    func testHeadHasLengthButNoBody() throws {
        let client = try server.client()
        client.send("HEAD /health HTTP/1.1\r\nHost: t\r\n\r\nHEAD /stream HTTP/1.1\r\nHost: t\r\n\r\nGET /health HTTP/1.1\r\nHost: t\r\n\r\n")
        let head = try client.readResponse(headRequest: true)
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.header("content-length"), "2")
        let streamHead = try client.readResponse(headRequest: true)
        XCTAssertEqual(streamHead.status, 200)
        XCTAssertNil(streamHead.header("transfer-encoding"))
        XCTAssertEqual(try client.readResponse().bodyText, "ok")
    }

    func test204And304HaveNoBodyOrLength() throws {
        let client = try server.client()
        client.send("GET /nocontent HTTP/1.1\r\nHost: t\r\n\r\nGET /notmodified HTTP/1.1\r\nHost: t\r\n\r\nGET /health HTTP/1.1\r\nHost: t\r\n\r\n")
        let noContent = try client.readResponse()
        XCTAssertEqual(noContent.status, 204)
        XCTAssertNil(noContent.header("content-length"))
        XCTAssertNil(noContent.header("transfer-encoding"))
        let notModified = try client.readResponse()
        XCTAssertEqual(notModified.status, 304)
        XCTAssertNil(notModified.header("content-length"))
        XCTAssertEqual(try client.readResponse().bodyText, "ok")
    }

    func testServerSentEventsAreChunked() throws {
        let client = try server.client()
        client.send("GET /stream?n=3 HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = try client.readResponse()
        XCTAssertTrue(response.chunked)
        XCTAssertEqual(response.header("content-type"), "text/event-stream")
        XCTAssertEqual(response.bodyText, "data: event 0\n\ndata: event 1\n\ndata: event 2\n\n")
        client.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(try client.readResponse().bodyText, "ok")
    }

    func testAbsoluteFormTargetIsReducedToOriginForm() throws {
        let client = try server.client()
        client.send("GET http://example.com/echo-target?a=1 HTTP/1.1\r\nHost: example.com\r\n\r\n")
        XCTAssertEqual(try client.readResponse().bodyText, "/echo-target?a=1")
    }
}
