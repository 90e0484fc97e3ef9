import LayersCore

/// One versioned schema change from `sql/NNN_name.sql`, embedded in the binary (see `sql/embed.sh`).
public struct Migration: Sendable, Hashable {
    public var version: Int
    public var name: String
    public var sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// SHA-256 (hex) of the SQL text without trailing whitespace; recorded when applied, so an edited
    /// migration that already ran is detected instead of silently diverging.
    public var checksum: String {
        var text = Substring(sql)
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return SHA256.hash(String(text)).hex
    }
}

/// Why migrating failed.
public enum MigrationError: Error, Sendable, CustomStringConvertible {
    /// An applied migration's SQL differs from the embedded one.
    case checksumMismatch(version: Int, name: String)
    /// The database has a migration newer than this binary knows.
    case unknownVersion(Int)
    /// A migration's SQL failed; nothing of it was applied.
    case failed(version: Int, name: String, underlying: PostgresError)

    public var description: String {
        switch self {
        case .checksumMismatch(let version, let name):
            return "migration \(version) (\(name)) was changed after it was applied; add a new migration instead"
        case .unknownVersion(let v):
            return "database has migration \(v), which this build does not know; upgrade layers-server"
        case .failed(let version, let name, let error):
            return "migration \(version) (\(name)) failed: \(error)"
        }
    }
}
