/// An error from libpq or the PostgreSQL server.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// Could not connect, or the connection was lost: the statement may or may not have run. Retry an
        /// idempotent statement on a fresh connection.
        case connection
        /// The server rejected the statement (SQLSTATE in `sqlState`).
        case server
        /// The statement ran past `statement_timeout` (SQLSTATE 57014).
        case timeout
        /// The pool's wait queue is full, or the pool is shut down.
        case poolExhausted
        /// A result could not be decoded into the expected Swift type.
        case decoding
    }

    public var kind: Kind
    /// The five-character SQLSTATE for server errors (e.g. `23505`, or our own `LY402`).
    public var sqlState: String?
    public var message: String
    /// The server's DETAIL field, if any.
    public var detail: String?

    public init(_ kind: Kind, sqlState: String? = nil, message: String, detail: String? = nil) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
    }

    public var description: String {
        var text = "PostgreSQL \(kind.rawValue) error"
        if let sqlState { text += " [\(sqlState)]" }
        text += ": \(message)"
        if let detail { text += " (\(detail))" }
        return text
    }

    /// True for failures that a retry on a healthy connection may cure.
    public var isTransient: Bool {
        switch kind {
        case .connection, .poolExhausted: return true
        case .timeout: return false
        case .server:
            // 08xxx connection exceptions, 40001 serialization failure, 40P01 deadlock, 57P0x shutdown,
            // 53xxx insufficient resources.
            guard let s = sqlState else { return false }
            return s.hasPrefix("08") || s == "40001" || s == "40P01" || s.hasPrefix("57P") || s.hasPrefix("53")
        case .decoding: return false
        }
    }
}
