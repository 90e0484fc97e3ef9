import Foundation
import XCTest
@testable import LayersHTTP

/// Other libraries' I/O on the server's loops (`IOLoop`): watched descriptors, timers, deferred tasks and stop
/// handlers, all on the loop's thread.
final class IOLoopTests: XCTestCase {
    private func oneLoopServer() throws -> (TestServer, IOLoop) {
        let server = try TestServer({ $0.loopCount = 1 }, responder: testRouter())
        let loops = server.server.ioLoops
        XCTAssertEqual(loops.count, 1)
        return (server, try XCTUnwrap(loops.first))
    }

    /// Waits (polling) until `recorder` holds `count` values.
    private func waitFor<T>(_ recorder: Recorder<T>, count: Int) async throws {
        for _ in 0..<500 where recorder.all.count < count { try await Task.sleep(for: .milliseconds(10)) }
        XCTAssertGreaterThanOrEqual(recorder.all.count, count)
    }

    func testWatchedDescriptorReportsReadinessOnTheLoopUntilUnwatched() async throws {
        let (server, loop) = try oneLoopServer()
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        let (readEnd, writeEnd) = (fds[0], fds[1])
        _ = fcntl(readEnd, F_SETFL, O_NONBLOCK)
        let events = Recorder<String>()
        loop.execute {
            loop.watch(readEnd, for: .readable) { readiness in
                var byte: UInt8 = 0
                while read(readEnd, &byte, 1) == 1 {
                    events.append("\(loop.isCurrent) \(readiness.contains(.readable)) \(Character(UnicodeScalar(byte)))")
                }
            }
        }
        var a = UInt8(ascii: "a")
        try await Task.sleep(for: .milliseconds(20))
        XCTAssertEqual(write(writeEnd, &a, 1), 1)
        try await waitFor(events, count: 1)
        XCTAssertEqual(events.all, ["true true a"])

        loop.execute { loop.unwatch(readEnd) }
        let unwatched = Recorder<Bool>()
        loop.execute { unwatched.append(true) }
        try await waitFor(unwatched, count: 1)
        var b = UInt8(ascii: "b")
        XCTAssertEqual(write(writeEnd, &b, 1), 1)
        // A marker task queued after the write runs only after the loop has polled the pipe at least once more.
        let marker = Recorder<Bool>()
        try await Task.sleep(for: .milliseconds(50))
        loop.execute { marker.append(true) }
        try await waitFor(marker, count: 1)
        XCTAssertEqual(events.all, ["true true a"], "no readiness after unwatch")
        close(readEnd)
        close(writeEnd)
        await server.stop()
    }

    func testTimersFireOnceOnTheLoopAndCanBeMovedOrCancelled() async throws {
        let (server, loop) = try oneLoopServer()
        let fired = Recorder<String>()
        let now = loop.makeTimer { fired.append("now \(loop.isCurrent)") }
        let cancelled = loop.makeTimer { fired.append("cancelled") }
        let moved = loop.makeTimer { fired.append("moved") }
        let last = loop.makeTimer { fired.append("last") }
        loop.execute {
            now.schedule(afterNanoseconds: 0)
            cancelled.schedule(afterNanoseconds: 10_000_000)
            cancelled.cancel()
            moved.schedule(afterNanoseconds: 3_600_000_000_000)
            moved.schedule(afterNanoseconds: 20_000_000)
            last.schedule(afterNanoseconds: 80_000_000)
        }
        try await waitFor(fired, count: 3)
        XCTAssertEqual(fired.all, ["now true", "moved", "last"])
        XCTAssertFalse(now.isScheduled)
        await server.stop()
    }

    func testExecuteOnTheLoopRunsLaterNeverInline() async throws {
        let (server, loop) = try oneLoopServer()
        let order = Recorder<String>()
        loop.execute {
            loop.execute { order.append("inner") }
            order.append("outer")
        }
        try await waitFor(order, count: 2)
        XCTAssertEqual(order.all, ["outer", "inner"])
        await server.stop()
    }

    func testStopHandlersRunOnTheLoopWhenTheServerStops() async throws {
        let (server, loop) = try oneLoopServer()
        let stopped = Recorder<Bool>()
        let registered = Recorder<Bool>()
        loop.execute {
            loop.onStop { stopped.append(loop.isCurrent) }
            registered.append(true)
        }
        try await waitFor(registered, count: 1)
        XCTAssertEqual(stopped.all, [])
        await server.stop()
        XCTAssertEqual(stopped.all, [true])
    }
}
