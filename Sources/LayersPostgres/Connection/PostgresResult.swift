import CLibPQ
import Foundation

/// The rows of one statement's result, in text format. Owned by the connection's thread: decode the values
/// you need into Swift types inside the closure given to `PostgresPool.withConnection`.
public final class PostgresResult {
    private let handle: OpaquePointer
    /// Number of rows.
    public let count: Int
    /// Number of columns.
    public let columnCount: Int

    init(_ handle: OpaquePointer) {
        self.handle = handle
        count = Int(PQntuples(handle))
        columnCount = Int(PQnfields(handle))
    }

    deinit { PQclear(handle) }

    /// Rows changed by an INSERT/UPDATE/DELETE (from the command tag), or 0.
    public var affectedRows: Int {
        guard let tuples = PQcmdTuples(handle) else { return 0 }
        return Int(String(cString: tuples)) ?? 0
    }

    /// Row `index` (0-based).
    public func row(_ index: Int) -> PostgresRow { PostgresRow(result: self, index: Int32(index)) }

    /// All rows.
    public var rows: [PostgresRow] { (0..<count).map(row) }

    /// The column index of `name`, or nil.
    public func column(named name: String) -> Int? {
        let i = PQfnumber(handle, name)
        return i < 0 ? nil : Int(i)
    }

    func isNull(_ row: Int32, _ column: Int32) -> Bool { PQgetisnull(handle, row, column) != 0 }

    func bytes(_ row: Int32, _ column: Int32) -> UnsafeBufferPointer<UInt8>? {
        guard PQgetisnull(handle, row, column) == 0, let value = PQgetvalue(handle, row, column) else { return nil }
        let length = Int(PQgetlength(handle, row, column))
        return UnsafeRawPointer(value).withMemoryRebound(to: UInt8.self, capacity: length) {
            UnsafeBufferPointer(start: $0, count: length)
        }
    }
}

/// One row of a `PostgresResult`, with typed accessors by column index. Accessors return nil for NULL;
/// the `required` variants throw a decoding error instead.
public struct PostgresRow {
    let result: PostgresResult
    let index: Int32

    public func isNull(_ column: Int) -> Bool { result.isNull(index, Int32(column)) }

    public func string(_ column: Int) -> String? {
        guard let bytes = result.bytes(index, Int32(column)) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    public func int64(_ column: Int) -> Int64? {
        guard let bytes = result.bytes(index, Int32(column)), !bytes.isEmpty else { return nil }
        var value: Int64 = 0
        var negative = false
        var start = 0
        if bytes[0] == 45 {
            negative = true
            start = 1
        }
        for i in start..<bytes.count {
            let c = bytes[i]
            guard c >= 48 && c <= 57 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(c - 48))
            if o1 || o2 { return nil }
            value = a
        }
        return negative ? -value : value
    }

    public func int(_ column: Int) -> Int? { int64(column).map { Int($0) } }

    public func bool(_ column: Int) -> Bool? {
        guard let bytes = result.bytes(index, Int32(column)), let first = bytes.first else { return nil }
        return first == UInt8(ascii: "t")
    }

    public func uuid(_ column: Int) -> UUID? {
        result.bytes(index, Int32(column)).flatMap { UUID(postgresText: $0) }
    }

    public func date(_ column: Int) -> Date? {
        guard let bytes = result.bytes(index, Int32(column)) else { return nil }
        return PostgresTimestamp.parse(bytes)
    }

    public func requiredString(_ column: Int) throws -> String {
        guard let v = string(column) else { throw decodingError(column, "text") }
        return v
    }

    public func requiredInt64(_ column: Int) throws -> Int64 {
        guard let v = int64(column) else { throw decodingError(column, "bigint") }
        return v
    }

    public func requiredInt(_ column: Int) throws -> Int {
        guard let v = int(column) else { throw decodingError(column, "integer") }
        return v
    }

    public func requiredBool(_ column: Int) throws -> Bool {
        guard let v = bool(column) else { throw decodingError(column, "boolean") }
        return v
    }

    public func requiredUUID(_ column: Int) throws -> UUID {
        guard let v = uuid(column) else { throw decodingError(column, "uuid") }
        return v
    }

    public func requiredDate(_ column: Int) throws -> Date {
        guard let v = date(column) else { throw decodingError(column, "timestamptz") }
        return v
    }

    private func decodingError(_ column: Int, _ type: String) -> PostgresError {
        PostgresError(.decoding, message: "column \(column) of row \(index) is NULL or not a valid \(type)")
    }
}
