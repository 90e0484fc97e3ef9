import XCTest
@testable import LayersHTTP

/// Starts an `HTTPServer` on an ephemeral loopback port for one test and shuts it down afterwards.
final class TestServer {
    let server: HTTPServer
    let port: Int

    init(_ configure: (inout HTTPServerConfiguration) -> Void = { _ in }, responder: any HTTPResponder) throws {
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0, loopCount: 2)
        configure(&configuration)
        server = HTTPServer(configuration: configuration, responder: responder)
        port = try server.start()
    }

    func client(receiveBufferBytes: Int? = nil) throws -> RawClient {
        try RawClient(port: port, receiveBufferBytes: receiveBufferBytes)
    }

    /// One GET on a fresh connection; used to prove the server still serves after a bad client.
    func assertServes(file: StaticString = #filePath, line: UInt = #line) throws {
        let client = try client()
        client.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 200, file: file, line: line)
        XCTAssertEqual(response.bodyText, "ok", file: file, line: line)
    }

    func stop() async {
        await server.shutdown(deadline: .seconds(2))
    }
}

/// Thread-safe collection of values produced by handlers, for assertions.
final class Recorder<Value: Sendable>: @unchecked Sendable {
    // @unchecked: every access to `values` holds `lock`.
    private let lock = NSLock()
    private var values: [Value] = []

    func append(_ value: Value) {
        lock.lock()
        values.append(value)
        lock.unlock()
    }

    var all: [Value] {
        lock.lock()
        defer { lock.unlock() }
        return values
    }

    /// Waits (polling, 10 s cap) until `predicate` holds over the recorded values.
    func wait(until predicate: ([Value]) -> Bool) async -> Bool {
        for _ in 0..<2000 {
            if predicate(all) { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return predicate(all)
    }
}

/// The routes most tests use.
func testRouter() -> Router {
    var router = Router()
    router.add(.get, "/health") { _ in .text("ok") }
    router.add(.post, "/echo") { request in
        var response = HTTPResponse.bytes(request.body, contentType: "application/octet-stream")
        response.headers["x-method"] = request.method.rawValue
        return response
    }
    router.add(.get, "/echo-target") { request in .text(request.target) }
    router.add(.get, "/id") { request in .text(request.requestID) }
    router.add(.get, "/nocontent") { _ in HTTPResponse(status: .noContent) }
    router.add(.get, "/notmodified") { _ in HTTPResponse(status: .notModified, headers: ["etag": "\"x\""]) }
    router.add(.get, "/stream") { request in
        let count = Int(request.queryValue("n") ?? "") ?? 3
        return .eventStream { writer in
            for index in 0..<count { try await writer.writeEvent(data: "event \(index)") }
        }
    }
    router.add(.get, "/users/:id/posts/:post") { request in
        .text("\(request.pathParameters["id"] ?? "-")/\(request.pathParameters["post"] ?? "-")")
    }
    return router
}
