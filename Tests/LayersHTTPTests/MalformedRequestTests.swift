import XCTest
@testable import LayersHTTP

/// Every malformed shape gets its status, `Connection: close`, a closed connection, and the server keeps serving.
final class MalformedRequestTests: XCTestCase {
    struct Case {
        let name: String
        let bytes: [UInt8]
        let status: Int

        init(_ name: String, _ text: String, _ status: Int) {
            self.name = name
            self.bytes = Array(text.utf8)
            self.status = status
        }

        init(_ name: String, bytes: [UInt8], _ status: Int) {
            self.name = name
            self.bytes = bytes
            self.status = status
        }
    }

    static let host = "Host: t\r\n"
    static func get(_ headers: String) -> String { "GET / HTTP/1.1\r\n\(host)\(headers)\r\n" }
    static func post(_ headers: String, body: String) -> String { "POST /echo HTTP/1.1\r\n\(host)\(headers)\r\n\(body)" }
    static func chunked(_ body: String) -> String { post("Transfer-Encoding: chunked\r\n", body: body) }

    static let cases: [Case] = [
        // Request line
        Case("no spaces", "GARBAGE\r\n\r\n", 400),
        Case("method only", "GET\r\n\r\n", 400),
        Case("extra token after version", "GET / HTTP/1.1 extra\r\n\(host)\r\n", 400),
        Case("double space before target", "GET  / HTTP/1.1\r\n\(host)\r\n", 400),
        Case("trailing space after version", "GET / HTTP/1.1 \r\n\(host)\r\n", 400),
        Case("non-token method", "G@T / HTTP/1.1\r\n\(host)\r\n", 400),
        Case("leading space", " GET / HTTP/1.1\r\n\(host)\r\n", 400),
        Case("HTTP/2.0 on the wire", "GET / HTTP/2.0\r\n\(host)\r\n", 505),
        Case("HTTP/3.1", "GET / HTTP/3.1\r\n\(host)\r\n", 505),
        Case("bad minor version", "GET / HTTP/1.x\r\n\(host)\r\n", 400),
        Case("HTTPS protocol name", "GET / HTTPS/1.1\r\n\(host)\r\n", 400),
        Case("lowercase protocol", "GET / http/1.1\r\n\(host)\r\n", 400),
        Case("DEL in target", "GET /a\u{7f}b HTTP/1.1\r\n\(host)\r\n", 400),
        Case("NUL in target", bytes: Array("GET /a".utf8) + [0] + Array("b HTTP/1.1\r\n\(host)\r\n".utf8), 400),
        Case("non-ASCII in target", "GET /ä HTTP/1.1\r\n\(host)\r\n", 400),
        Case("relative target", "GET foo HTTP/1.1\r\n\(host)\r\n", 400),
        Case("asterisk target for GET", "GET * HTTP/1.1\r\n\(host)\r\n", 400),
        Case("ftp absolute form", "GET ftp://x/ HTTP/1.1\r\n\(host)\r\n", 400),
        Case("authority form", "CONNECT example.com:443 HTTP/1.1\r\n\(host)\r\n", 400),
        Case("too many leading empty lines", "\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\n\(host)\r\n", 400),
        Case("request line too long", "GET /\(String(repeating: "a", count: 2000)) HTTP/1.1\r\n\(host)\r\n", 414),
        // Line endings
        Case("bare LF line endings", "GET / HTTP/1.1\nHost: t\n\n", 400),
        Case("bare LF after headers", "GET / HTTP/1.1\r\nHost: t\r\n\n", 400),
        Case("bare CR in header value", get("X-A: a\rb\r\n"), 400),
        // Header fields
        Case("missing Host", "GET / HTTP/1.1\r\n\r\n", 400),
        Case("two Host headers", get("Host: u\r\n"), 400),
        Case("space before colon", "GET / HTTP/1.1\r\nHost : t\r\n\r\n", 400),
        Case("space inside header name", get("X A: b\r\n"), 400),
        Case("non-ASCII header name", get("X-Ä: b\r\n"), 400),
        Case("header without colon", get("X-A b\r\n"), 400),
        Case("empty header name", get(": b\r\n"), 400),
        Case("obs-fold continuation", get("X-A: a\r\n b\r\n"), 400),
        Case("obs-fold with tab", get("X-A: a\r\n\tb\r\n"), 400),
        Case("NUL in header value", bytes: Array(get("X-A: a").utf8.dropLast(2)) + [0] + Array("b\r\n\r\n".utf8), 400),
        Case("control character in header value", get("X-A: a\u{01}b\r\n"), 400),
        Case("header section too large", get("X-Big: \(String(repeating: "b", count: 5000))\r\n"), 431),
        Case("too many header fields", get((0..<25).map { "X-\($0): v\r\n" }.joined()), 431),
        Case("unsupported expectation", post("Expect: teapot\r\nContent-Length: 1\r\n", body: "x"), 417),
        // Content-Length
        Case("non-numeric Content-Length", post("Content-Length: abc\r\n", body: ""), 400),
        Case("negative Content-Length", post("Content-Length: -1\r\n", body: ""), 400),
        Case("plus-signed Content-Length", post("Content-Length: +5\r\n", body: "hello"), 400),
        Case("Content-Length with inner space", post("Content-Length: 1 2\r\n", body: ""), 400),
        Case("empty Content-Length", post("Content-Length: \r\n", body: ""), 400),
        Case("hex Content-Length", post("Content-Length: 0x5\r\n", body: "hello"), 400),
        Case("duplicate differing Content-Length", post("Content-Length: 5\r\nContent-Length: 6\r\n", body: "hello!"), 400),
        Case("differing Content-Length list", post("Content-Length: 5, 6\r\n", body: "hello!"), 400),
        Case("Content-Length over the body limit", post("Content-Length: 5000\r\n", body: ""), 413),
        Case("Content-Length beyond Int", post("Content-Length: 99999999999999999999999\r\n", body: ""), 413),
        // Transfer-Encoding
        Case("Content-Length plus chunked", post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", body: "0\r\n\r\n"), 400),
        Case("chunked plus Content-Length", post("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", body: "0\r\n\r\n"), 400),
        Case("gzip only", post("Transfer-Encoding: gzip\r\n", body: ""), 400),
        Case("gzip then chunked", post("Transfer-Encoding: gzip, chunked\r\n", body: "0\r\n\r\n"), 501),
        Case("chunked twice", post("Transfer-Encoding: chunked, chunked\r\n", body: "0\r\n\r\n"), 400),
        Case("chunked not last", post("Transfer-Encoding: chunked, gzip\r\n", body: "0\r\n\r\n"), 400),
        Case("unknown coding", post("Transfer-Encoding: xchunked\r\n", body: "0\r\n\r\n"), 400),
        Case("empty coding in list", post("Transfer-Encoding: ,chunked\r\n", body: "0\r\n\r\n"), 400),
        Case("vertical tab in coding", post("Transfer-Encoding: chunked\u{0b}\r\n", body: "0\r\n\r\n"), 400),
        Case("chunked in HTTP/1.0", "POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        // Chunked body framing
        Case("non-hex chunk size", chunked("zz\r\nhello\r\n0\r\n\r\n"), 400),
        Case("0x-prefixed chunk size", chunked("0x5\r\nhello\r\n0\r\n\r\n"), 400),
        Case("negative chunk size", chunked("-5\r\nhello\r\n0\r\n\r\n"), 400),
        Case("overflowing chunk size", chunked("ffffffffffffffffff\r\nhello\r\n0\r\n\r\n"), 400),
        Case("empty chunk size", chunked("\r\nhello\r\n0\r\n\r\n"), 400),
        Case("space after chunk size", chunked("5 \r\nhello\r\n0\r\n\r\n"), 400),
        Case("chunk data longer than size", chunked("5\r\nhelloXX\r\n0\r\n\r\n"), 400),
        Case("bare LF after chunk size", chunked("5\nhello\r\n0\r\n\r\n"), 400),
        Case("bare LF after chunk data", chunked("5\r\nhello\n0\r\n\r\n"), 400),
        Case("control character in chunk extension", chunked("5;a=\u{01}\r\nhello\r\n0\r\n\r\n"), 400),
        Case("folded trailer", chunked("0\r\n x: y\r\n\r\n"), 400),
        Case("chunked body over the limit", chunked("3e9\r\n\(String(repeating: "a", count: 1001))\r\n0\r\n\r\n"), 413),
    ]

    func testMalformedRequestTable() async throws {
        XCTAssertGreaterThanOrEqual(Self.cases.count, 40)
        let server = try TestServer({
            $0.maxRequestLineBytes = 1024
            $0.maxHeaderBytes = 4096
            $0.maxHeaderCount = 20
            $0.maxBodyBytes = 1000
        }, responder: testRouter())
        for testCase in Self.cases {
            let client = try server.client()
            client.send(testCase.bytes)
            do {
                let response = try client.readResponse()
                XCTAssertEqual(response.status, testCase.status, testCase.name)
                XCTAssertEqual(response.header("connection")?.lowercased(), "close", testCase.name)
                XCTAssertNotNil(response.header("x-request-id"), testCase.name)
                XCTAssertTrue(client.isClosedByPeer(), "\(testCase.name): connection should be closed")
            } catch {
                XCTFail("\(testCase.name): \(error)")
            }
            try server.assertServes()
        }
        await server.stop()
    }

    /// The shapes the table rejects are not over-eager: their well-formed neighbours are served.
    func testWellFormedNeighboursAreServed() async throws {
        let server = try TestServer(responder: testRouter())
        let accepted: [(String, String)] = [
            ("\r\nGET /health HTTP/1.1\r\nHost: t\r\n\r\n", "ok"),
            ("GET http://t/health HTTP/1.1\r\nHost: t\r\n\r\n", "ok"),
            ("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5, 5\r\n\r\nhello", "hello"),
            ("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello", "hello"),
            ("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: Chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nX-T: 1\r\n\r\n", "hello"),
            ("POST /echo HTTP/1.1\r\nHost: t\r\nX-Obs: caf\u{e9}\r\nContent-Length: 2\r\n\r\nhi", "hi"),
            ("GET /health HTTP/1.0\r\n\r\n", "ok"),
        ]
        for (request, body) in accepted {
            let client = try server.client()
            client.send(request)
            let response = try client.readResponse()
            XCTAssertEqual(response.status, 200, request)
            XCTAssertEqual(response.bodyText, body, request)
        }
        await server.stop()
    }
}
