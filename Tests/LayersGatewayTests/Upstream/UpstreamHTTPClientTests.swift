import Foundation
import XCTest
@testable import LayersGateway

final class UpstreamHTTPClientTests: XCTestCase {
    static let client = UpstreamHTTPClient()

    private func fake() throws -> FakeProviderServer { try FakeProviderServer.require() }

    private func json(_ bytes: [UInt8]) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    func testPostSendsBodyAndHeadersAndReadsResponse() async throws {
        let server = try fake()
        let request = UpstreamRequest(url: server.base + "/_test/echo",
                                      headers: [HTTPHeader("X-Custom", "one"), HTTPHeader("content-type", "application/json")],
                                      body: Array("{\"a\":1}".utf8))
        let response = try await Self.client.request(request)
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.headers["Content-Type"], "application/json")
        let echo = try json(response.body)
        XCTAssertEqual(echo["method"] as? String, "POST")
        XCTAssertEqual(echo["body"] as? String, "{\"a\":1}")
        let headers = try XCTUnwrap(echo["headers"] as? [String: String])
        XCTAssertEqual(headers["x-custom"], "one")
        XCTAssertNil(headers["expect"], "Expect: 100-continue must be disabled")
        XCTAssertNotNil(headers["accept-encoding"], "compressed responses must be accepted")
    }

    func testErrorStatusIsAResponseWithItsHeaders() async throws {
        let server = try fake()
        let response = try await Self.client.request(
            UpstreamRequest(method: "GET", url: server.base + "/_test/status/429?retry_after=7"))
        XCTAssertEqual(response.status, 429)
        XCTAssertEqual(response.headers["retry-after"], "7")
    }

    func testGzipBodyIsDecoded() async throws {
        let server = try fake()
        let response = try await Self.client.request(UpstreamRequest(method: "GET", url: server.base + "/_test/gzip"))
        XCTAssertEqual(response.headers["content-encoding"], "gzip")
        XCTAssertEqual(try json(response.body)["hello"] as? String, "compressed")
    }

    func testRedirectsAreNotFollowed() async throws {
        let server = try fake()
        let response = try await Self.client.request(UpstreamRequest(method: "GET", url: server.base + "/_test/redirect"))
        XCTAssertEqual(response.status, 302)
        XCTAssertEqual(response.headers["location"], "/_test/echo")
    }

    func testConnectionsAreReused() async throws {
        let server = try fake()
        let client = UpstreamHTTPClient()
        var ports = Set<Int>()
        for _ in 0..<3 {
            let response = try await client.request(UpstreamRequest(method: "GET", url: server.base + "/_test/echo"))
            ports.insert(try json(response.body)["client_port"] as? Int ?? -1)
        }
        XCTAssertEqual(ports.count, 1, "sequential requests to one host share one kept-alive connection")
    }

    func testReusedHandlesCarryNothingFromTheRequestBefore() async throws {
        let server = try fake()
        let client = UpstreamHTTPClient()  // one loop: each request after the first reuses the last one's handle
        let post = try await client.request(UpstreamRequest(url: server.base + "/_test/echo",
                                                            headers: [HTTPHeader("X-Only-First", "1")],
                                                            body: Array("first".utf8)))
        XCTAssertEqual(try json(post.body)["body"] as? String, "first")
        let delete = try await client.request(UpstreamRequest(method: "DELETE", url: server.base + "/_test/echo"))
        XCTAssertEqual(try json(delete.body)["method"] as? String, "DELETE")
        let get = try await client.request(UpstreamRequest(method: "GET", url: server.base + "/_test/echo"))
        let echo = try json(get.body)
        XCTAssertEqual(echo["method"] as? String, "GET")
        XCTAssertEqual(echo["body"] as? String ?? "", "")
        let headers = try XCTUnwrap(echo["headers"] as? [String: String])
        XCTAssertNil(headers["x-only-first"])
        XCTAssertNotNil(headers["accept-encoding"], "options are set again on a reused handle")
        let redirect = try await client.request(UpstreamRequest(method: "GET", url: server.base + "/_test/redirect"))
        XCTAssertEqual(redirect.status, 302, "redirects stay unfollowed on a reused handle")
        let stream = try await client.stream(UpstreamRequest(method: "GET", url: server.base + "/_test/stream?events=3&size=10"))
        XCTAssertEqual(stream.status, 200)
        let streamed = try await stream.collect()
        XCTAssertFalse(streamed.isEmpty)
        let last = try await client.request(UpstreamRequest(url: server.base + "/_test/echo", body: Array("again".utf8)))
        XCTAssertEqual(try json(last.body)["body"] as? String, "again")
    }

    func testManyConcurrentRequestsShareTheLoop() async throws {
        let server = try fake()
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<40 {
                group.addTask {
                    let r = try await Self.client.request(UpstreamRequest(url: server.base + "/_test/echo",
                                                                         body: Array("n\(i)".utf8)))
                    return r.status
                }
            }
            var statuses: [Int] = []
            for try await status in group { statuses.append(status) }
            return statuses
        }
        XCTAssertEqual(results.count, 40)
        XCTAssertTrue(results.allSatisfy { $0 == 200 })
    }

    func testStreamDeliversChunksAsTheyArrive() async throws {
        let server = try fake()
        let stream = try await Self.client.stream(
            UpstreamRequest(method: "GET", url: server.base + "/_test/stream?events=5&delay_ms=30&size=20"))
        XCTAssertEqual(stream.status, 200)
        XCTAssertEqual(stream.headers["content-type"], "text/event-stream")
        var chunks = 0
        var text = ""
        for try await chunk in stream.body {
            chunks += 1
            text += String(decoding: chunk, as: UTF8.self)
        }
        XCTAssertGreaterThan(chunks, 1, "events sent apart in time must not be delivered as one buffer")
        XCTAssertEqual(text.components(separatedBy: "\n\n").filter { !$0.isEmpty }.count, 5)
    }

    func testSlowConsumerPausesTransferWithoutLosingData() async throws {
        let server = try fake()
        let client = UpstreamHTTPClient(configuration: UpstreamClientConfiguration(streamHighWater: 8 << 10,
                                                                                   streamLowWater: 2 << 10))
        let stream = try await client.stream(
            UpstreamRequest(method: "GET", url: server.base + "/_test/stream?events=800&size=1000"))
        var total = 0
        var lines = 0
        var first = true
        for try await chunk in stream.body {
            if first {
                // Let the producer run ahead until the transfer pauses at the high-water mark.
                try await Task.sleep(for: .milliseconds(300))
                first = false
            }
            total += chunk.count
            lines += chunk.filter { $0 == UInt8(ascii: "\n") }.count
        }
        let expected = (0..<800).reduce(0) { $0 + "data: \($1) ".utf8.count + 988 + 2 }
        XCTAssertEqual(total, expected)
        XCTAssertEqual(lines, 1600)
        XCTAssertGreaterThan(stream.handle.transfer.shared.withLock { $0.pauseCount }, 0)
    }

    func testCancellingTheConsumerAbortsTheTransfer() async throws {
        let server = try fake()
        let stream = try await Self.client.stream(
            UpstreamRequest(method: "GET", url: server.base + "/_test/stream?events=100&delay_ms=100"))
        let task = Task {
            var seen = 0
            for try await _ in stream.body { seen += 1 }
            return seen
        }
        try await Task.sleep(for: .milliseconds(150))
        task.cancel()
        do {
            let seen = try await task.value
            XCTFail("stream finished with \(seen) chunks instead of being cancelled")
        } catch {
            XCTAssertTrue(error is CancellationError, "\(error)")
        }
        XCTAssertTrue(stream.handle.transfer.shared.withLock { $0.cancelled })
        // The client keeps working after an abort.
        let after = try await Self.client.request(UpstreamRequest(method: "GET", url: server.base + "/_test/echo"))
        XCTAssertEqual(after.status, 200)
    }

    func testFirstByteTimeout() async throws {
        let server = try fake()
        var request = UpstreamRequest(method: "GET", url: server.base + "/_test/slow_headers?delay_ms=3000")
        request.timeouts.firstByte = .milliseconds(200)
        await assertThrows(UpstreamError.firstByteTimeout(host: "127.0.0.1:\(server.port)")) {
            _ = try await Self.client.request(request)
        }
    }

    func testIdleTimeoutBetweenStreamEvents() async throws {
        let server = try fake()
        var request = UpstreamRequest(method: "GET",
                                      url: server.base + "/_test/stream?events=5&stall_after=2&stall_ms=3000")
        request.timeouts.idle = .milliseconds(300)
        let stream = try await Self.client.stream(request)
        await assertThrows(UpstreamError.idleTimeout(host: "127.0.0.1:\(server.port)")) {
            for try await _ in stream.body {}
        }
    }

    func testTotalTimeout() async throws {
        let server = try fake()
        var request = UpstreamRequest(method: "GET", url: server.base + "/_test/stream?events=50&delay_ms=100")
        request.timeouts.total = .milliseconds(400)
        await assertThrows(UpstreamError.totalTimeout(host: "127.0.0.1:\(server.port)")) {
            _ = try await Self.client.request(request)
        }
    }

    func testConnectTimeoutAgainstAFullListenQueue() async throws {
        let listener = try SaturatedListener()
        var request = UpstreamRequest(method: "GET", url: "http://127.0.0.1:\(listener.port)/")
        request.timeouts.connect = .milliseconds(300)
        request.timeouts.firstByte = .seconds(30)
        do {
            _ = try await Self.client.request(request)
            XCTFail("expected a connect timeout")
        } catch let error as UpstreamError {
            XCTAssertEqual(error, .connectTimeout(host: "127.0.0.1:\(listener.port)"))
        }
        withExtendedLifetime(listener) {}
    }

    func testRefusedConnectionIsNamedAndNeverShowsTheKey() async throws {
        let request = UpstreamRequest(url: "http://127.0.0.1:1/v1/chat",
                                      headers: [HTTPHeader("authorization", "Bearer sk-supersecret-123456")])
        do {
            _ = try await Self.client.request(request)
            XCTFail("expected a connection failure")
        } catch let error as UpstreamError {
            guard case .connectionFailed(let host, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(host, "127.0.0.1:1")
            XCTAssertFalse("\(error)".contains("supersecret"))
        }
    }

    func testBrokenBodyIsConnectionLost() async throws {
        let server = try fake()
        do {
            _ = try await Self.client.request(UpstreamRequest(method: "GET", url: server.base + "/_test/close_mid"))
            XCTFail("expected connectionLost")
        } catch let error as UpstreamError {
            guard case .connectionLost = error else { return XCTFail("\(error)") }
        }
    }

    func testResponseSizeLimit() async throws {
        let server = try fake()
        let client = UpstreamHTTPClient(configuration: UpstreamClientConfiguration(maxResponseBytes: 100_000))
        await assertThrows(UpstreamError.responseTooLarge(host: "127.0.0.1:\(server.port)", limit: 100_000)) {
            _ = try await client.request(UpstreamRequest(method: "GET", url: server.base + "/_test/big?bytes=1000000"))
        }
    }

    func testRejectsNonHTTPURLAndHeaderInjection() async throws {
        await assertThrows(UpstreamError.invalidRequest(reason: "URL must be http or https")) {
            _ = try await Self.client.request(UpstreamRequest(url: "file:///etc/passwd"))
        }
        let bad = UpstreamRequest(url: "http://127.0.0.1:1/", headers: [HTTPHeader("x", "a\r\nInjected: 1")])
        do {
            _ = try await Self.client.request(bad)
            XCTFail("expected invalidRequest")
        } catch let error as UpstreamError {
            guard case .invalidRequest = error else { return XCTFail("\(error)") }
        }
    }

    func testHostNeverIncludesCredentialsOrPath() {
        XCTAssertEqual(UpstreamRequest(url: "https://user:pw@api.example.com:8443/v1?key=abc").host,
                       "api.example.com:8443")
        let cases = [
            ("http://127.0.0.1:8080", "127.0.0.1:8080"),
            ("https://a:b@c@host.example/x@y", "host.example"),     // the last @ before the path
            ("https://host.example/v1/u@x?q=a://b", "host.example"),  // @ and :// after the host do not count
            ("https://host.example?key=1", "host.example"),
            ("https://host.example#frag", "host.example"),
            ("https://bücher.example/v1", "bücher.example"),
            ("host.example/v1", "host.example"),                     // no scheme
            ("https://", ""),
        ]
        for (url, host) in cases { XCTAssertEqual(UpstreamRequest(url: url).host, host, url) }
    }

    func testStatusLines() {
        func code(_ line: String) -> Int {
            Array(line.utf8).withUnsafeBufferPointer { CurlTransfer.statusCode($0[...]) }
        }
        XCTAssertEqual(code("HTTP/1.1 200 OK"), 200)
        XCTAssertEqual(code("HTTP/2 429"), 429)
        XCTAssertEqual(code("HTTP/1.1  503 Service Unavailable"), 503)
        XCTAssertEqual(code("HTTP/1.0 100 Continue"), 100)
        XCTAssertEqual(code("HTTP/1.1 20"), 0)
        XCTAssertEqual(code("HTTP/1.1 2000 X"), 0)
        XCTAssertEqual(code("HTTP/1.1"), 0)
    }

    func testPrintingARequestNeverShowsCredentials() {
        let request = UpstreamRequest(url: "https://api.example.com/v1beta/models/m:generateContent?key=AIzaQUERY",
                                      headers: [HTTPHeader("Authorization", "Bearer sk-SECRET1"),
                                                HTTPHeader("x-api-key", "SECRET2"), HTTPHeader("x-goog-api-key", "SECRET3"),
                                                HTTPHeader("X-Custom-Token", "SECRET4"),
                                                HTTPHeader("anthropic-version", "2023-06-01")],
                                      body: Array("{\"prompt\":\"SECRET5\"}".utf8))
        for text in ["\(request)", String(reflecting: request), "\(request.headers)"] {
            XCTAssertFalse(text.contains("SECRET"), text)
            XCTAssertFalse(text.contains("QUERY"), text)
        }
        XCTAssertEqual("\(request)", "POST api.example.com/v1beta/models/m:generateContent headers: [Authorization: "
                       + "[redacted], x-api-key: [redacted], x-goog-api-key: [redacted], X-Custom-Token: [redacted], "
                       + "anthropic-version: 2023-06-01], body: 20 bytes")
    }
}

/// A loopback listener whose accept queue is full, so further connects hang in SYN-SENT (a connect timeout
/// without leaving the machine).
final class SaturatedListener {
    let port: Int
    private var fds: [Int32] = []

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, len) } }
        listen(listener, 0)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &len) } }
        port = Int(UInt16(bigEndian: addr.sin_port))
        fds.append(listener)
        // Fill the accept queue (backlog 0 holds one or two) with non-blocking connects that are never accepted.
        for _ in 0..<8 {
            let c = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            var target = addr
            _ = withUnsafePointer(to: &target) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(c, $0, len) } }
            fds.append(c)
        }
        usleep(50_000)
    }

    deinit { fds.forEach { close($0) } }
}
