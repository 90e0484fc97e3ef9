import XCTest
@testable import LayersHTTP

final class ShutdownTests: XCTestCase {
    func testShutdownLetsAStreamFinishWithinTheDeadline() async throws {
        let gate = Gate()
        var router = testRouter()
        router.add(.get, "/slow-stream") { _ in
            .eventStream { writer in
                try await writer.writeEvent(data: "first")
                await gate.wait()
                for index in 0..<5 { try await writer.writeEvent(data: "after \(index)") }
            }
        }
        let server = try TestServer(responder: router)
        let streaming = try server.client()
        streaming.send("GET /slow-stream HTTP/1.1\r\nHost: t\r\n\r\n")
        _ = try streaming.readUntil("data: first\n\n")
        let idle = try server.client()
        idle.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(try idle.readResponse().status, 200)

        let http = server.server
        let shutdown = Task { await http.shutdown(deadline: .seconds(20)) }
        XCTAssertTrue(idle.isClosedByPeer(), "idle keep-alive connections close at once")
        await gate.open()
        let rest = try streaming.readUntil("0\r\n\r\n")
        XCTAssertTrue(rest.contains("data: after 4\n\n"), rest)
        XCTAssertTrue(streaming.isClosedByPeer())
        await shutdown.value
        XCTAssertThrowsError(try server.client(), "no longer accepting")
    }

    func testShutdownDeadlineCancelsEndlessStream() async throws {
        let events = Recorder<String>()
        var router = testRouter()
        router.add(.get, "/endless") { _ in
            .eventStream { writer in
                do {
                    while true {
                        try await writer.writeEvent(data: "tick")
                        try await Task.sleep(for: .milliseconds(5))
                    }
                } catch {
                    events.append("stopped")
                    throw error
                }
            }
        }
        let server = try TestServer(responder: router)
        let client = try server.client()
        client.send("GET /endless HTTP/1.1\r\nHost: t\r\n\r\n")
        _ = try client.readUntil("data: tick\n\n")
        await server.server.shutdown(deadline: .milliseconds(100))
        let stopped = await events.wait { !$0.isEmpty }
        XCTAssertTrue(stopped)
        XCTAssertTrue(client.waitForClose())
    }

    func testWaitUntilStoppedReturnsAfterShutdown() async throws {
        let http = try TestServer(responder: testRouter()).server
        async let stopped: Void = http.waitUntilStopped()
        await http.shutdown(deadline: .seconds(1))
        await stopped
        await http.shutdown()  // idempotent
    }
}
