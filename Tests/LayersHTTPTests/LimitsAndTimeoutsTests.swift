import XCTest
@testable import LayersHTTP

/// Timeouts and connection limits, configured small. No durations are asserted: only what the client sees.
final class LimitsAndTimeoutsTests: XCTestCase {
    func testSlowlorisHeadGets408AndClose() async throws {
        let server = try TestServer({ $0.headerReadTimeout = .milliseconds(150) }, responder: testRouter())
        let client = try server.client()
        client.send("GET /health HTTP/1.1\r\nHost: t\r\nX-Slow: ")
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 408)
        XCTAssertEqual(response.header("connection")?.lowercased(), "close")
        XCTAssertTrue(client.isClosedByPeer())
        try server.assertServes()
        await server.stop()
    }

    func testSilentNewConnectionIsClosedAfterTheHeaderTimeout() async throws {
        // Opening sockets and sending nothing must not hold a slot for the (long) keep-alive idle timeout.
        let server = try TestServer({
            $0.headerReadTimeout = .milliseconds(150)
            $0.keepAliveIdleTimeout = .seconds(120)
        }, responder: testRouter())
        let client = try server.client()
        XCTAssertTrue(client.isClosedByPeer())  // nothing sent, so no 408 either: a quiet close
        try server.assertServes()
        await server.stop()
    }

    func testKeepAliveConnectionGetsTheIdleTimeoutNotTheHeaderTimeout() async throws {
        let server = try TestServer({
            $0.headerReadTimeout = .milliseconds(100)
            $0.keepAliveIdleTimeout = .seconds(120)
        }, responder: testRouter())
        let client = try server.client()
        client.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(try client.readResponse().status, 200)
        // Idle between requests for several header timeouts: the connection is still open and serves.
        try await Task.sleep(for: .milliseconds(500))
        client.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(try client.readResponse().status, 200)
        await server.stop()
    }

    func testOversizedHeadersAndRequestLineGetTheirStatusesWithConfiguredLimits() async throws {
        let server = try TestServer({
            $0.maxRequestLineBytes = 64
            $0.maxHeaderBytes = 256
            $0.maxHeaderCount = 4
        }, responder: testRouter())
        let cases: [(String, Int)] = [
            ("GET /\(String(repeating: "a", count: 80)) HTTP/1.1\r\nHost: t\r\n\r\n", 414),
            ("GET / HTTP/1.1\r\nHost: t\r\nX-Big: \(String(repeating: "b", count: 300))\r\n\r\n", 431),
            ("GET / HTTP/1.1\r\nHost: t\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", 431),
            ("POST /echo HTTP/1.1\r\nHost: t\r\nA: 1\r\nB: 2\r\nContent-Length: 1\r\n\r\nx", 200),
        ]
        for (request, status) in cases {
            let client = try server.client()
            client.send(request)
            let response = try client.readResponse()
            XCTAssertEqual(response.status, status, request)
            if status != 200 {
                XCTAssertEqual(response.header("connection")?.lowercased(), "close", request)
                XCTAssertTrue(client.isClosedByPeer(), request)
            }
        }
        try server.assertServes()
        await server.stop()
    }

    func testStalledBodyGets408AndClose() async throws {
        let server = try TestServer({ $0.bodyReadTimeout = .milliseconds(150) }, responder: testRouter())
        let client = try server.client()
        client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 408)
        XCTAssertTrue(client.isClosedByPeer())
        await server.stop()
    }

    func testIdleKeepAliveConnectionIsClosedQuietly() async throws {
        let server = try TestServer({ $0.keepAliveIdleTimeout = .milliseconds(150) }, responder: testRouter())
        let client = try server.client()
        client.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(try client.readResponse().status, 200)
        XCTAssertTrue(client.isClosedByPeer())  // blocks until the idle timeout closes it
        await server.stop()
    }

    func testWriteStallClosesConnectionAndFailsTheProducer() async throws {
        let outcome = Recorder<String>()
        var router = testRouter()
        router.add(.get, "/flood") { _ in
            HTTPResponse(body: .stream { writer in
                let chunk = [UInt8](repeating: 0x62, count: 64 * 1024)
                do {
                    while true { try await writer.write(chunk) }
                } catch {
                    outcome.append("\(error)")
                    throw error
                }
            })
        }
        let server = try TestServer({
            $0.writeStallTimeout = .milliseconds(200)
            $0.writeHighWaterMark = 64 * 1024
        }, responder: router)
        let client = try server.client(receiveBufferBytes: 32 * 1024)
        client.send("GET /flood HTTP/1.1\r\nHost: t\r\n\r\n")
        let failed = await outcome.wait { !$0.isEmpty }
        XCTAssertTrue(failed)
        XCTAssertEqual(outcome.all.first, "writeStalled")
        try server.assertServes()
        await server.stop()
    }

    func testConnectionsOverTheCapGet503() async throws {
        let server = try TestServer({ $0.maxConnections = 2; $0.loopCount = 1 }, responder: testRouter())
        let first = try server.client()
        let second = try server.client()
        first.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
        second.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(try first.readResponse().status, 200)
        XCTAssertEqual(try second.readResponse().status, 200)
        let third = try server.client()
        let refused = try third.readResponse()
        XCTAssertEqual(refused.status, 503)
        XCTAssertTrue(third.isClosedByPeer())
        first.closeNow()
        // Once a slot frees up, new connections are served again.
        var served = false
        for _ in 0..<200 where !served {
            let retry = try server.client()
            retry.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
            served = (try? retry.readResponse().status) == 200
            if !served { try await Task.sleep(for: .milliseconds(10)) }
        }
        XCTAssertTrue(served)
        await server.stop()
    }

    func testBodyAtTheLimitIsAccepted() async throws {
        let server = try TestServer({ $0.maxBodyBytes = 16 }, responder: testRouter())
        let client = try server.client()
        client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 16\r\n\r\n0123456789abcdef")
        XCTAssertEqual(try client.readResponse().bodyText, "0123456789abcdef")
        client.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n")
        XCTAssertEqual(try client.readResponse().bodyText, "0123456789abcdef")
        client.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n1\r\nx\r\n0\r\n\r\n")
        XCTAssertEqual(try client.readResponse().status, 413)
        await server.stop()
    }
}
