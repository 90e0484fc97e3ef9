import CLibPQ
import Foundation

/// One libpq connection. Not thread-safe and not `Sendable`: a `PostgresPool` gives each connection to one
/// worker thread, and callers use it only inside `PostgresPool.withConnection`. Every call blocks.
///
/// Only parameterized statements are offered for values (`query(_:_:)`, via `PQexecParams` /
/// `PQexecPrepared`); `execute(script:)` runs parameterless SQL such as migrations.
public final class PostgresConnection {
    private var conn: OpaquePointer?
    private let usePreparedStatements: Bool
    private var prepared: [String: String] = [:]

    /// Connects. `url` is a libpq URL or key=value string; `options` adds server settings
    /// (e.g. `["statement_timeout": "10000"]`) for this session.
    public init(url: String, options: [String: String] = [:], applicationName: String = "layers",
                connectTimeoutSeconds: Int = 5, usePreparedStatements: Bool = true) throws {
        self.usePreparedStatements = usePreparedStatements
        var settings = ["TimeZone": "UTC", "DateStyle": "ISO", "client_encoding": "UTF8"]
        for (k, v) in options { settings[k] = v }
        let optionString = settings.sorted { $0.key < $1.key }.map { "-c \($0.key)=\($0.value)" }
            .joined(separator: " ")
        let keywords = ["dbname", "options", "application_name", "connect_timeout"]
        let values = [url, optionString, applicationName, String(connectTimeoutSeconds)]
        let handle: OpaquePointer? = withCStrings(keywords) { k in
            withCStrings(values) { v in PQconnectdbParams(k, v, 1) }
        }
        guard let handle, PQstatus(handle) == CONNECTION_OK else {
            let message = handle.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            if let handle { PQfinish(handle) }
            throw PostgresError(.connection, message: message.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        conn = handle
    }

    deinit {
        if let conn { PQfinish(conn) }
    }

    /// False once the connection is known to be broken; the pool then replaces it.
    public var isHealthy: Bool {
        guard let conn else { return false }
        return PQstatus(conn) == CONNECTION_OK
    }

    /// Runs one parameterized statement and returns its rows. Hot statements are prepared once per connection.
    @discardableResult
    public func query(_ sql: String, _ parameters: [any PostgresEncodable] = []) throws -> PostgresResult {
        guard let conn else { throw PostgresError(.connection, message: "connection closed") }
        let texts = parameters.map { $0.postgresText }
        let raw: OpaquePointer? = withOptionalCStrings(texts) { values in
            if usePreparedStatements {
                let name: String
                if let existing = prepared[sql] {
                    name = existing
                } else {
                    name = "s\(prepared.count)"
                    guard let prep = PQprepare(conn, name, sql, Int32(texts.count), nil) else { return nil }
                    if PQresultStatus(prep) != PGRES_COMMAND_OK { return prep }
                    PQclear(prep)
                    prepared[sql] = name
                }
                return PQexecPrepared(conn, name, Int32(texts.count), values, nil, nil, 0)
            }
            return PQexecParams(conn, sql, Int32(texts.count), nil, values, nil, nil, 0)
        }
        return try check(raw)
    }

    /// Runs parameterless SQL text, possibly several statements (migrations, BEGIN/COMMIT, SET).
    public func execute(script sql: String) throws {
        guard let conn else { throw PostgresError(.connection, message: "connection closed") }
        _ = try check(PQexec(conn, sql))
    }

    /// Runs `body` in a transaction: COMMIT on return, ROLLBACK on a thrown error.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute(script: "BEGIN")
        do {
            let value = try body()
            try execute(script: "COMMIT")
            return value
        } catch {
            if isHealthy { try? execute(script: "ROLLBACK") }
            throw error
        }
    }

    private func check(_ raw: OpaquePointer?) throws -> PostgresResult {
        guard let raw else {
            let message = conn.map { String(cString: PQerrorMessage($0)) } ?? "no connection"
            throw PostgresError(.connection, message: message.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let result = PostgresResult(raw)
        switch PQresultStatus(raw) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return result
        default:
            let field: (Int32) -> String? = { code in PQresultErrorField(raw, code).map { String(cString: $0) } }
            let state = field(Int32(UInt8(ascii: "C")))
            let message = field(Int32(UInt8(ascii: "M")))
                ?? String(cString: PQresultErrorMessage(raw)).trimmingCharacters(in: .whitespacesAndNewlines)
            let detail = field(Int32(UInt8(ascii: "D")))
            if !isHealthy || state == nil {
                throw PostgresError(.connection, sqlState: state, message: message, detail: detail)
            }
            if state == "57014" { throw PostgresError(.timeout, sqlState: state, message: message, detail: detail) }
            // A failed PREPARE leaves no statement behind; forget nothing, the next call prepares again.
            throw PostgresError(.server, sqlState: state, message: message, detail: detail)
        }
    }
}

private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}

private func withOptionalCStrings<R>(_ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    if strings.isEmpty { return body(nil) }
    let copies = strings.map { $0.map { strdup($0) } ?? nil }
    defer { copies.forEach { free($0) } }
    let pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
}
