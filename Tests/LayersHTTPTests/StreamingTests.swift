import XCTest
@testable import LayersHTTP

/// Streaming responses: chunks leave as produced, slow readers apply backpressure, disconnects cancel handlers.
final class StreamingTests: XCTestCase {
    func testEachChunkLeavesBeforeTheNextIsProduced() async throws {
        // The producer waits for the client to acknowledge each event before writing the next: this only
        // completes if every chunk is sent without waiting for the end of the body.
        let gate = Gate()
        var router = Router()
        router.add(.get, "/lockstep") { _ in
            .eventStream { writer in
                for index in 0..<5 {
                    try await writer.writeEvent(data: "\(index)")
                    await gate.wait()
                }
            }
        }
        let server = try TestServer(responder: router)
        let client = try server.client()
        client.send("GET /lockstep HTTP/1.1\r\nHost: t\r\n\r\n")
        _ = try client.readUntil("\r\n\r\n")
        for index in 0..<5 {
            let line = try client.readUntil("\n\n\r\n")
            XCTAssertTrue(line.contains("data: \(index)\n\n"), line)
            await gate.open()
        }
        XCTAssertEqual(try client.readUntil("0\r\n\r\n"), "0\r\n\r\n")
        await server.stop()
    }

    func testSlowReaderSuspendsProducerWithBoundedBuffering() async throws {
        let produced = Recorder<Int>()
        let total = 64 * 1024 * 1024
        var router = Router()
        router.add(.get, "/flood") { _ in
            HTTPResponse(headers: ["content-type": "application/octet-stream"], body: .stream { writer in
                let chunk = [UInt8](repeating: 0x61, count: 64 * 1024)
                var sent = 0
                while sent < total {
                    try await writer.write(chunk)
                    sent += chunk.count
                    produced.append(sent)
                }
            })
        }
        let server = try TestServer({ $0.writeHighWaterMark = 128 * 1024 }, responder: router)
        let client = try server.client(receiveBufferBytes: 64 * 1024)
        client.send("GET /flood HTTP/1.1\r\nHost: t\r\n\r\n")
        // Wait until the producer stops making progress while we read nothing.
        var last = -1
        for _ in 0..<400 {
            try await Task.sleep(for: .milliseconds(25))
            let now = produced.all.last ?? 0
            if now == last && now > 0 { break }
            last = now
        }
        let stalledAt = produced.all.last ?? 0
        XCTAssertGreaterThan(stalledAt, 0)
        XCTAssertLessThan(stalledAt, 32 * 1024 * 1024, "the producer should be suspended, not buffering everything")
        // Now read everything: the producer resumes and the whole body arrives.
        let response = try client.readResponse()
        XCTAssertEqual(response.body.count, total)
        await server.stop()
    }

    func testClientDisconnectCancelsWaitingHandler() async throws {
        let events = Recorder<String>()
        var router = testRouter()
        router.add(.get, "/wait") { _ in
            events.append("started")
            do {
                try await Task.sleep(for: .seconds(60))
                events.append("finished")
            } catch {
                events.append("cancelled")
            }
            return .text("late")
        }
        let server = try TestServer(responder: router)
        let client = try server.client()
        client.send("GET /wait HTTP/1.1\r\nHost: t\r\n\r\n")
        let started = await events.wait { $0.contains("started") }
        XCTAssertTrue(started)
        client.closeNow()
        let cancelled = await events.wait { $0.contains("cancelled") }
        XCTAssertTrue(cancelled)
        try server.assertServes()
        await server.stop()
    }

    func testClientDisconnectStopsStreamingProducer() async throws {
        let events = Recorder<String>()
        var router = testRouter()
        router.add(.get, "/forever") { _ in
            .eventStream { writer in
                do {
                    var index = 0
                    while true {
                        try await writer.writeEvent(data: "\(index)")
                        index += 1
                        try await Task.sleep(for: .milliseconds(2))
                    }
                } catch {
                    events.append(Task.isCancelled ? "cancelled" : "write failed")
                    throw error
                }
            }
        }
        let server = try TestServer(responder: router)
        let client = try server.client()
        client.send("GET /forever HTTP/1.1\r\nHost: t\r\n\r\n")
        _ = try client.readUntil("data: 3\n\n")
        client.closeNow()
        let stopped = await events.wait { !$0.isEmpty }
        XCTAssertTrue(stopped)
        try server.assertServes()
        await server.stop()
    }

    func testProducerErrorAbortsTheResponse() async throws {
        struct Boom: Error {}
        var router = Router()
        router.add(.get, "/boom") { _ in
            .eventStream { writer in
                try await writer.writeEvent(data: "first")
                throw Boom()
            }
        }
        let server = try TestServer(responder: router)
        let client = try server.client()
        client.send("GET /boom HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertThrowsError(try client.readResponse())  // no terminating chunk: the client sees a broken body
        await server.stop()
    }

    func testFixedLengthStreamAndOverrun() async throws {
        var router = Router()
        router.add(.get, "/fixed") { _ in
            HTTPResponse(headers: ["content-length": "10"], body: .stream { writer in
                try await writer.write("hello")
                try await writer.write("world")
            })
        }
        let overrun = Recorder<String>()
        router.add(.get, "/overrun") { _ in
            HTTPResponse(headers: ["content-length": "3"], body: .stream { writer in
                do { try await writer.write("toolong") } catch { overrun.append("\(error)") }
                try await writer.write("abc")
            })
        }
        let server = try TestServer(responder: router)
        let client = try server.client()
        client.send("GET /fixed HTTP/1.1\r\nHost: t\r\n\r\nGET /overrun HTTP/1.1\r\nHost: t\r\n\r\n")
        let fixed = try client.readResponse()
        XCTAssertFalse(fixed.chunked)
        XCTAssertEqual(fixed.bodyText, "helloworld")
        XCTAssertEqual(try client.readResponse().bodyText, "abc")
        XCTAssertEqual(overrun.all, ["bodyLengthExceeded"])
        await server.stop()
    }

    func testGlobalExecutorModeStreams() async throws {
        let server = try TestServer({ $0.handlerExecution = .globalExecutor }, responder: testRouter())
        let client = try server.client()
        client.send("GET /stream?n=200 HTTP/1.1\r\nHost: t\r\n\r\nGET /health HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = try client.readResponse()
        XCTAssertTrue(response.bodyText.hasSuffix("data: event 199\n\n"))
        XCTAssertEqual(try client.readResponse().bodyText, "ok")
        await server.stop()
    }
}

/// A reusable one-shot-at-a-time gate: `wait` suspends until the next `open`.
actor Gate {
    private var waiter: CheckedContinuation<Void, Never>?
    private var permits = 0

    func wait() async {
        if permits > 0 {
            permits -= 1
            return
        }
        await withCheckedContinuation { waiter = $0 }
    }

    func open() {
        if let waiter {
            self.waiter = nil
            waiter.resume()
        } else {
            permits += 1
        }
    }
}
