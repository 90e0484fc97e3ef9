import Foundation
import XCTest
@testable import LayersGateway

/// The upstream client attached to an event loop (`attach(to:)`): calls made on the loop's thread run there,
/// through curl's socket interface (`CurlReactorLoop`), with the same behaviour as on the client's own thread.
final class UpstreamReactorTests: XCTestCase {
    private var reactor: PollReactor!
    private var client: UpstreamHTTPClient!

    override func setUp() {
        reactor = PollReactor()
        client = UpstreamHTTPClient(configuration: UpstreamClientConfiguration(streamHighWater: 8 << 10,
                                                                               streamLowWater: 2 << 10))
        client.attach(to: [reactor])
    }

    override func tearDown() {
        reactor.stop()
        client.shutdown()
    }

    private func fake() throws -> FakeProviderServer { try FakeProviderServer.require() }

    /// Runs `body` on the reactor's thread.
    private func onReactor<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await Task(executorPreference: reactor) { try await body() }.value
    }

    private func json(_ bytes: [UInt8]) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    func testCallsMadeOnTheLoopRunOnItAndReuseTheirConnection() async throws {
        let server = try fake()
        let client = self.client!
        let reactor = self.reactor!
        let replies = try await onReactor {
            var replies: [(onLoop: Bool, body: [UInt8])] = []
            for i in 0..<5 {
                let response = try await client.request(UpstreamRequest(url: server.base + "/_test/echo",
                                                                        body: Array("n\(i)".utf8)))
                replies.append((reactor.isCurrent, response.body))
            }
            return replies.map { ($0.onLoop, $0.body) }
        }
        XCTAssertEqual(client.eventLoopTransferCount, 5)
        XCTAssertTrue(replies.allSatisfy(\.0), "the caller resumes on the loop's thread")
        let echoes = try replies.map { try json($0.1) }
        XCTAssertEqual(echoes.map { $0["body"] as? String }, (0..<5).map { "n\($0)" })
        XCTAssertEqual(Set(echoes.map { $0["client_port"] as? Int ?? -1 }).count, 1, "one kept-alive connection")
    }

    func testConcurrentCallsOnTheLoop() async throws {
        let server = try fake()
        let client = self.client!
        let statuses = try await onReactor {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<40 {
                    group.addTask {  // child tasks keep the loop as their executor preference
                        try await client.request(UpstreamRequest(url: server.base + "/_test/echo",
                                                                 body: Array("n\(i)".utf8))).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        XCTAssertEqual(statuses, Array(repeating: 200, count: 40))
        XCTAssertEqual(client.eventLoopTransferCount, 40)
    }

    func testCallsFromOtherThreadsUseTheClientsOwnThread() async throws {
        let server = try fake()
        let response = try await client.request(UpstreamRequest(method: "GET", url: server.base + "/_test/echo"))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(client.eventLoopTransferCount, 0)
    }

    func testSlowStreamConsumerPausesAndResumesWithoutLosingData() async throws {
        let server = try fake()
        let client = self.client!
        let (total, lines, pauses) = try await onReactor {
            let stream = try await client.stream(
                UpstreamRequest(method: "GET", url: server.base + "/_test/stream?events=800&size=1000"))
            var total = 0, lines = 0, first = true
            for try await chunk in stream.body {
                if first {
                    try await Task.sleep(for: .milliseconds(300))  // the transfer pauses at the high-water mark
                    first = false
                }
                total += chunk.count
                lines += chunk.filter { $0 == UInt8(ascii: "\n") }.count
            }
            return (total, lines, stream.handle.transfer.shared.withLock { $0.pauseCount })
        }
        XCTAssertEqual(total, (0..<800).reduce(0) { $0 + "data: \($1) ".utf8.count + 988 + 2 })
        XCTAssertEqual(lines, 1600)
        XCTAssertGreaterThan(pauses, 0)
        XCTAssertEqual(client.eventLoopTransferCount, 1)
    }

    func testCancellingTheConsumerAbortsTheTransfer() async throws {
        let server = try fake()
        let client = self.client!
        let stream = try await onReactor {
            try await client.stream(UpstreamRequest(method: "GET", url: server.base + "/_test/stream?events=100&delay_ms=100"))
        }
        let consumer = Task(executorPreference: reactor) {
            var seen = 0
            for try await _ in stream.body { seen += 1 }
            return seen
        }
        try await Task.sleep(for: .milliseconds(150))
        consumer.cancel()
        do {
            let seen = try await consumer.value
            XCTFail("stream finished with \(seen) chunks instead of being cancelled")
        } catch {
            XCTAssertTrue(error is CancellationError, "\(error)")
        }
        let after = try await onReactor {
            try await client.request(UpstreamRequest(method: "GET", url: server.base + "/_test/echo")).status
        }
        XCTAssertEqual(after, 200)
    }

    func testTimeoutsApplyOnTheLoop() async throws {
        let server = try fake()
        let client = self.client!
        let host = "127.0.0.1:\(server.port)"
        await assertThrows(.firstByteTimeout(host: host)) {
            var slow = UpstreamRequest(method: "GET", url: server.base + "/_test/slow_headers?delay_ms=3000")
            slow.timeouts.firstByte = .milliseconds(200)
            let request = slow
            _ = try await self.onReactor { try await client.request(request) }
        }
        await assertThrows(.idleTimeout(host: host)) {
            var stalling = UpstreamRequest(method: "GET",
                                           url: server.base + "/_test/stream?events=5&stall_after=2&stall_ms=3000")
            stalling.timeouts.idle = .milliseconds(300)
            let request = stalling
            _ = try await self.onReactor { try await client.stream(request).collect() }
        }
        await assertThrows(.totalTimeout(host: host)) {
            var long = UpstreamRequest(method: "GET", url: server.base + "/_test/stream?events=50&delay_ms=100")
            long.timeouts.total = .milliseconds(400)
            let request = long
            _ = try await self.onReactor { try await client.request(request) }
        }
        XCTAssertEqual(client.eventLoopTransferCount, 3)
    }

    func testRefusedConnectionOnTheLoop() async throws {
        let client = self.client!
        do {
            _ = try await onReactor { try await client.request(UpstreamRequest(url: "http://127.0.0.1:1/v1/chat")) }
            XCTFail("expected a connection failure")
        } catch let error as UpstreamError {
            guard case .connectionFailed(let host, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(host, "127.0.0.1:1")
        }
    }

    func testStoppingTheLoopFailsItsTransfersAndLaterCallsUseTheClientThread() async throws {
        let server = try fake()
        let client = self.client!
        let slow = Task(executorPreference: reactor) {
            try await client.request(UpstreamRequest(method: "GET", url: server.base + "/_test/slow_headers?delay_ms=5000"))
        }
        while client.eventLoopTransferCount == 0 { try await Task.sleep(for: .milliseconds(10)) }
        reactor.stop()
        await assertThrows(.clientShutdown) { _ = try await slow.value }
        reactor = PollReactor()  // for tearDown; the stopped loop is no longer used
        let after = try await client.request(UpstreamRequest(method: "GET", url: server.base + "/_test/echo"))
        XCTAssertEqual(after.status, 200)
    }
}
