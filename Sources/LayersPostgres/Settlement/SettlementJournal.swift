import Foundation
import LayersCore

/// An append-only file of settlements that could not reach the database yet (JSON lines, fsynced), so
/// that a crash during a database outage loses nothing that had finished. Replayed at start; settlements
/// are idempotent by request id, so replaying one that did reach the database is harmless.
public final class SettlementJournal: @unchecked Sendable {
    // Safe: every access to the file goes through `lock`.
    public let path: String
    private let lock = NSLock()

    public init(path: String) {
        self.path = path
    }

    /// Appends one settlement and fsyncs.
    public func append(_ settlement: Settlement) throws {
        var line = try JSONEncoder().encode(settlement)
        line.append(UInt8(ascii: "\n"))
        try lock.withLock {
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
            guard fd >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
            defer { close(fd) }
            let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written == line.count, fsync(fd) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
        }
    }

    /// Every settlement in the journal (a torn last line from a crash is skipped).
    public func readAll() throws -> [Settlement] {
        let data: Data? = lock.withLock { FileManager.default.contents(atPath: path) }
        guard let data, !data.isEmpty else { return [] }
        let decoder = JSONDecoder()
        return data.split(separator: UInt8(ascii: "\n")).compactMap { try? decoder.decode(Settlement.self, from: $0) }
    }

    /// Empties the journal (after everything in it has been settled).
    public func clear() throws {
        try lock.withLock {
            guard FileManager.default.fileExists(atPath: path) else { return }
            guard truncate(path, 0) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
        }
    }
}
