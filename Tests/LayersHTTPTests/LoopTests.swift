import Foundation
import XCTest
@testable import LayersHTTP

/// The threading model: one event loop per core by default, connections spread over the loops, handlers run
/// as async tasks so a handler that waits never holds up its loop.
final class LoopTests: XCTestCase {
    func testOneLoopPerCoreByDefault() async throws {
        let server = try TestServer({ $0.loopCount = 0 }, responder: testRouter())
        XCTAssertEqual(server.server.loopCount, ProcessInfo.processInfo.activeProcessorCount)
        try server.assertServes()
        await server.stop()
    }

    func testConnectionsAreSpreadOverTheLoops() async throws {
        let server = try TestServer({ $0.loopCount = 4 }, responder: threadProbeRouter())
        XCTAssertEqual(server.server.loopCount, 4)
        var names = Set<String>()
        for _ in 0..<48 {
            let client = try server.client()
            client.send("GET /thread HTTP/1.1\r\nHost: t\r\n\r\n")
            names.insert(try client.readResponse().bodyText)
        }
        // Handlers run on the loop that owns the connection (no thread hop), and the kernel spreads new
        // connections over the loops' SO_REUSEPORT listeners: 48 connections all landing on one of four
        // listeners has a probability of about 4^-47.
        XCTAssertTrue(names.allSatisfy { $0.hasPrefix("http-loop-") }, "\(names)")
        XCTAssertGreaterThan(names.count, 1, "\(names)")
        await server.stop()
    }

    func testWaitingHandlerDoesNotBlockItsLoop() async throws {
        let gate = Gate()
        let events = Recorder<String>()
        var router = testRouter()
        router.add(.get, "/wait") { _ in
            events.append("started")
            await gate.wait()
            return .text("released")
        }
        let server = try TestServer({ $0.loopCount = 1 }, responder: router)
        let waiting = try server.client()
        waiting.send("GET /wait HTTP/1.1\r\nHost: t\r\n\r\n")
        let started = await events.wait { $0.contains("started") }
        XCTAssertTrue(started)
        // The single loop keeps serving other connections and streams while that handler is suspended.
        for _ in 0..<20 { try server.assertServes() }
        let streaming = try server.client()
        streaming.send("GET /stream?n=3 HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertTrue(try streaming.readResponse().bodyText.contains("data: event 2\n\n"))
        await gate.open()
        XCTAssertEqual(try waiting.readResponse().bodyText, "released")
        await server.stop()
    }

    func testABusyConnectionsExchangesShareOneHandlerTaskThatEndsWhenIdle() async throws {
        // A 200 ms header timeout makes the deadline tick 50 ms; an idle worker ends after two ticks.
        let server = try TestServer({ $0.loopCount = 1; $0.headerReadTimeout = .milliseconds(200) },
                                    responder: testRouter())
        let first = try server.client()
        for _ in 0..<3 {
            first.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
            XCTAssertEqual(try first.readResponse().bodyText, "ok")
        }
        XCTAssertEqual(server.server.workerTasksStarted, 1, "one task ran the connection's three exchanges")
        let second = try server.client()
        second.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(try second.readResponse().bodyText, "ok")
        XCTAssertEqual(server.server.workerTasksStarted, 2, "another connection has its own task")
        try await Task.sleep(for: .milliseconds(400))  // more than two ticks without work: the workers end
        first.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(try first.readResponse().bodyText, "ok")
        XCTAssertEqual(server.server.workerTasksStarted, 3, "an idle connection's next exchange starts a new task")
        await server.stop()
    }
}

/// The test routes plus `/thread`, which answers with the name of the thread its handler ran on.
func threadProbeRouter() -> Router {
    var router = testRouter()
    router.add(.get, "/thread") { _ in .text(currentThreadName()) }
    return router
}

/// The kernel's name of the calling thread (the loops name theirs `http-loop-N`).
func currentThreadName() -> String {
    ((try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? "?")
        .trimmingCharacters(in: .whitespacesAndNewlines)
}
