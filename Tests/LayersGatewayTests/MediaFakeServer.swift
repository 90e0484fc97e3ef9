import Foundation
import XCTest

/// The Python fake image/embedding providers (Tests/fakes/fake_media.py), started once per test process on a
/// free loopback port; it exits when this process closes its stdin.
final class MediaFakeServer: Sendable {
    static let shared: MediaFakeServer? = MediaFakeServer()

    let port: Int
    private let process: Process
    private let stdin: Pipe

    var base: String { "http://127.0.0.1:\(port)" }

    private init?() {
        let script = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fakes/fake_media.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "--port", "0", "--exit-on-stdin-eof"]
        let out = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardInput = input
        do { try process.run() } catch { return nil }
        var line = [UInt8]()
        let handle = out.fileHandleForReading
        while true {
            let byte = handle.readData(ofLength: 1)
            if byte.isEmpty { return nil }
            if byte.first == UInt8(ascii: "\n") { break }
            line.append(contentsOf: byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else { return nil }
        self.port = port
        self.process = process
        self.stdin = input
    }

    static func require() throws -> MediaFakeServer {
        guard let server = shared else { throw XCTSkip("python3 fake media providers could not start") }
        return server
    }
}
