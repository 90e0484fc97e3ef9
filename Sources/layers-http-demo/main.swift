// layers-http-demo: fixed routes over LayersHTTP, for the pytest conformance tests and the benchmark.
// Usage: layers-http-demo [--port N] [--host H] [--loops N] [--access-log] [--global-executor] [--cors-origin O]
//        limits: [--max-connections N] [--max-request-line N] [--max-header-bytes N] [--max-headers N]
//        [--max-body N] [--header-timeout-ms N] [--body-timeout-ms N] [--idle-timeout-ms N]
//        [--write-stall-ms N] [--linger-ms N] [--shutdown-deadline-ms N] [--high-water-mark N]
//        [--max-pipelined N]
// Prints "listening on <port>" once bound; SIGTERM/SIGINT shut it down gracefully.
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import LayersHTTP
import Synchronization

var configuration = HTTPServerConfiguration(port: 8080)
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let flag = arguments.next() {
    func value() -> String { arguments.next() ?? "" }
    switch flag {
    case "--port": configuration.port = Int(value()) ?? 8080
    case "--host": configuration.host = value()
    case "--loops": configuration.loopCount = Int(value()) ?? 0
    case "--access-log": configuration.accessLog = AccessLogEntry.standardError
    case "--max-connections": configuration.maxConnections = Int(value()) ?? 16_384
    case "--header-timeout-ms": configuration.headerReadTimeout = .milliseconds(Int(value()) ?? 10_000)
    case "--body-timeout-ms": configuration.bodyReadTimeout = .milliseconds(Int(value()) ?? 30_000)
    case "--idle-timeout-ms": configuration.keepAliveIdleTimeout = .milliseconds(Int(value()) ?? 75_000)
    case "--max-body": configuration.maxBodyBytes = Int(value()) ?? 1 << 25
    case "--max-request-line": configuration.maxRequestLineBytes = Int(value()) ?? 8 * 1024
    case "--max-header-bytes": configuration.maxHeaderBytes = Int(value()) ?? 32 * 1024
    case "--max-headers": configuration.maxHeaderCount = Int(value()) ?? 100
    case "--write-stall-ms": configuration.writeStallTimeout = .milliseconds(Int(value()) ?? 60_000)
    case "--linger-ms": configuration.lingerTimeout = .milliseconds(Int(value()) ?? 2_000)
    case "--high-water-mark": configuration.writeHighWaterMark = Int(value()) ?? 256 * 1024
    case "--max-pipelined": configuration.maxPipelinedBytes = Int(value()) ?? 64 * 1024
    case "--shutdown-deadline-ms": configuration.shutdownDeadline = .milliseconds(Int(value()) ?? 30_000)
    case "--cors-origin": configuration.cors = CORSPolicy(allowedOrigins: [value()])
    case "--global-executor": configuration.handlerExecution = .globalExecutor
    default:
        print("unknown flag \(flag)")
        exit(2)
    }
}

/// Exactly 1024 bytes of JSON.
let fixedJSON: [UInt8] = {
    let head = #"{"object":"list","data":[{"id":"layers-demo","object":"model","owned_by":"layers"}],"padding":""#
    let tail = #""}"#
    let pad = 1024 - head.utf8.count - tail.utf8.count
    return Array((head + String(repeating: "x", count: pad) + tail).utf8)
}()

var router = Router()
router.add(.get, "/json") { _ in .json(fixedJSON) }
router.add(.get, "/health") { _ in .text("ok") }
router.add(.post, "/echo") { request in
    var response = HTTPResponse.bytes(request.body, contentType: request.headers["content-type"] ?? "application/octet-stream")
    response.headers["x-body-length"] = String(request.body.count)
    return response
}
router.add(.get, "/params/:id") { request in .text(request.pathParameters["id"] ?? "") }
router.add(.get, "/headers") { request in
    .text(request.headers.map { "\($0.name.lowercased()): \($0.value)" }.joined(separator: "\n"))
}
router.add(.get, "/nocontent") { _ in HTTPResponse(status: .noContent) }
router.add(.get, "/notmodified") { _ in HTTPResponse(status: .notModified, headers: ["etag": "\"v1\""]) }
router.add(.get, "/stream") { request in
    let count = Int(request.queryValue("n") ?? "") ?? 10
    let delay = Int(request.queryValue("delay_ms") ?? "") ?? 0
    // paced=1: before each event, wait for a wake-up from another thread (as when events come from an
    // upstream connection), so every event leaves in its own write instead of a burst.
    let paced = request.queryValue("paced") == "1"
    return .eventStream { writer in
        for index in 0..<count {
            if delay > 0 { try await Task.sleep(for: .milliseconds(delay)) }
            if paced { await wakeFromAnotherThread() }
            try await writer.writeEvent(data: "{\"index\":\(index)}")
        }
        try await writer.write("data: [DONE]\n\n")
    }
}
router.add(.get, "/big") { request in
    let size = Int(request.queryValue("bytes") ?? "") ?? 1_000_000
    return HTTPResponse(headers: ["content-type": "application/octet-stream"], body: .stream { writer in
        var sent = 0
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 16 * 1024)
        while sent < size {
            let n = min(chunk.count, size - sent)
            try await writer.write(n == chunk.count ? chunk : Array(chunk[..<n]))
            sent += n
        }
    })
}
router.add(.get, "/fixed-stream") { _ in
    HTTPResponse(headers: ["content-type": "text/plain", "content-length": "10"], body: .stream { writer in
        try await writer.write("hello")
        try await writer.write("world")
    })
}
router.add(.get, "/slow") { request in
    let ms = Int(request.queryValue("ms") ?? "") ?? 100
    try? await Task.sleep(for: .milliseconds(ms))
    return .text("slow done")
}

/// Resumes waiting producers from its own thread, like an upstream connection's reader thread delivering the
/// next event: the event loop pays for the wake-up, the resumed job and the write, the pacer for the rest.
/// Registering costs the loop a lock and an append (no syscall), so the loop threads' CPU is the server's own.
final class Pacer: Sendable {
    private let waiting = Mutex<[CheckedContinuation<Void, Never>]>([])

    init() {
        let thread = Thread { [self] in
            // The kernel name is inherited from the creating thread (an event loop): rename, or the benchmark
            // would count this thread as a loop.
            let fd = open("/proc/thread-self/comm", O_WRONLY)
            if fd >= 0 {
                _ = write(fd, "pacer", 5)
                close(fd)
            }
            while true {
                let batch = waiting.withLock { list in
                    defer { list.removeAll(keepingCapacity: true) }
                    return list
                }
                for continuation in batch { continuation.resume() }
                usleep(batch.isEmpty ? 1000 : 50)
            }
        }
        thread.start()
    }

    func wait() async {
        await withCheckedContinuation { continuation in waiting.withLock { $0.append(continuation) } }
    }
}

/// Started on first use, so runs that never pace have no pacer thread.
enum Pacing {
    static let pacer = Pacer()
}

func wakeFromAnotherThread() async {
    await Pacing.pacer.wait()
}

let server = HTTPServer(configuration: configuration, responder: router)
do {
    server.catchSignals()   // a signal right after start is not lost
    let port = try server.start()
    let line = Array("listening on \(port)\n".utf8)
    _ = line.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
    try await server.runUntilSignal()
} catch {
    print("layers-http-demo: \(error)")
    exit(1)
}
