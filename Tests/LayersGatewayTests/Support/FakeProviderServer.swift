import Foundation
import XCTest

/// The Python fake providers (Tests/fakes/fake_providers.py), started once per test process on a free loopback
/// port. It exits when this process closes its stdin (i.e. when the test process ends).
final class FakeProviderServer: Sendable {
    static let shared: FakeProviderServer? = FakeProviderServer()

    let port: Int
    private let process: Process
    private let stdin: Pipe

    var base: String { "http://127.0.0.1:\(port)" }

    private init?() {
        let fakes = ProcessInfo.processInfo.environment["LAYERS_FAKES_DIR"].map { $0 + "/fake_providers.py" }
            ?? URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("fakes/fake_providers.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", fakes, "--port", "0", "--exit-on-stdin-eof"]
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

    /// The fake, or a skip when python3 is unavailable.
    static func require() throws -> FakeProviderServer {
        guard let server = shared else { throw XCTSkip("python3 fake providers could not start") }
        return server
    }
}
