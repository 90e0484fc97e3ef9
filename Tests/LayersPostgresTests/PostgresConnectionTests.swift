import Foundation
import LayersCore
import LayersCredits
import LayersPostgres
import XCTest

/// The libpq wrapper and pool: parameters and typed decoding, errors, timeouts, reconnection, bounds.
final class PostgresConnectionTests: XCTestCase {
    private var pools: [PostgresPool] = []

    override func tearDown() {
        pools.forEach { $0.shutdown() }
        pools = []
    }

    private func pool(size: Int = 2, maxWaiting: Int = 10_000, statementTimeoutMs: Int = 10_000) throws
        -> PostgresPool
    {
        guard let url = PostgresTestSupport.databaseURL else { throw XCTSkip("DATABASE_URL is not set") }
        let pool = PostgresPool(PostgresConfiguration(url: url, poolSize: size, maxWaiting: maxWaiting,
                                                      statementTimeoutMs: statementTimeoutMs))
        pools.append(pool)
        return pool
    }

    func testParametersRoundTripWithTypes() async throws {
        let pool = try pool()
        let date = Date(timeIntervalSince1970: 1_772_323_200.123456)
        let uuid = UUID()
        let hostile = "'; DROP TABLE users; -- ünïcødé 🚀"
        let values = try await pool.withConnection { conn in
            let row = try conn.query("""
                SELECT $1::text, $2::bigint, $3::boolean, $4::uuid, $5::timestamptz, $6::text, $7::bigint,
                       $8::integer
                """, [hostile, Int64.max, true, uuid, date, PostgresNull(), MicroCredits(rawValue: -42), 7]).row(0)
            return (row.string(0), row.int64(1), row.bool(2), row.uuid(3), row.date(4), row.isNull(5),
                    row.int64(6), row.int(7))
        }
        XCTAssertEqual(values.0, hostile)
        XCTAssertEqual(values.1, Int64.max)
        XCTAssertEqual(values.2, true)
        XCTAssertEqual(values.3, uuid)
        XCTAssertEqual(values.4?.timeIntervalSince1970 ?? 0, date.timeIntervalSince1970, accuracy: 0.000001)
        XCTAssertTrue(values.5)
        XCTAssertEqual(values.6, -42)
        XCTAssertEqual(values.7, 7)
    }

    func testUUIDsDecodeFromTextInEitherCaseAndRefuseOtherText() async throws {
        let pool = try pool()
        let uuids = [UUID(), UUID(uuidString: "00000000-0000-0000-0000-000000000000")!,
                     UUID(uuidString: "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF")!]
        for uuid in uuids {
            let back = try await pool.withConnection { conn in
                try conn.query("SELECT $1::uuid", [uuid]).row(0).requiredUUID(0)
            }
            XCTAssertEqual(back, uuid)
        }
        let texts = ["A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
                     "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1", "a0eebc999c0b4ef8bb6d6bb9bd380a1100",
                     "g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 "]
        for text in texts {
            let decoded = try await pool.withConnection { conn in
                try conn.query("SELECT $1::text", [text]).row(0).uuid(0)
            }
            XCTAssertEqual(decoded, UUID(uuidString: text), text)
        }
    }

    func testTimestampParameterText() {
        let cases: [(TimeInterval, String)] = [
            (0, "1970-01-01 00:00:00+00"), (951_782_400.5, "2000-02-29 00:00:00.500000+00"),
            (-86_400.25, "1969-12-30 23:59:59.750000+00"), (1_709_164_800.000001, "2024-02-29 00:00:00.000001+00"),
            (4_102_444_799.999999, "2099-12-31 23:59:59.999999+00"), (253_402_300_800, "10000-01-01 00:00:00+00"),
            (-62_135_596_800, "0001-01-01 00:00:00+00"),
        ]
        for (seconds, text) in cases {
            XCTAssertEqual(Date(timeIntervalSince1970: seconds).postgresText, text)
        }
        XCTAssertEqual(Date.distantPast.postgresText, "-infinity")
        XCTAssertEqual(Date(timeIntervalSince1970: 3_200_000_000_000).postgresText, "infinity")  // past year 99999
    }

    func testTimestampsRoundTripAcrossTheCalendar() async throws {
        let pool = try pool()
        let dates = [0.0, 951_782_400.5, 1_709_164_800.000001, -86_400.25, 4_102_444_799.999999].map {
            Date(timeIntervalSince1970: $0)
        }
        for date in dates {
            let back = try await pool.withConnection { conn in
                try conn.query("SELECT $1::timestamptz", [date]).row(0).requiredDate(0)
            }
            XCTAssertEqual(back.timeIntervalSince1970, date.timeIntervalSince1970, accuracy: 0.000001)
        }
    }

    func testServerErrorsCarrySQLState() async throws {
        let pool = try pool()
        do {
            _ = try await pool.withConnection { conn in try conn.query("SELECT 1/0").count }
            XCTFail("division by zero succeeded")
        } catch let error as PostgresError {
            XCTAssertEqual(error.kind, .server)
            XCTAssertEqual(error.sqlState, "22012")
            XCTAssertFalse(error.isTransient)
        }
        // The connection is still usable afterwards.
        let one = try await pool.withConnection { conn in try conn.query("SELECT 1").row(0).requiredInt(0) }
        XCTAssertEqual(one, 1)
    }

    func testStatementTimeout() async throws {
        let pool = try pool(statementTimeoutMs: 200)
        do {
            _ = try await pool.withConnection { conn in try conn.query("SELECT pg_sleep(5)").count }
            XCTFail("statement ran past its timeout")
        } catch let error as PostgresError {
            XCTAssertEqual(error.kind, .timeout)
            XCTAssertEqual(error.sqlState, "57014")
        }
    }

    func testReconnectsAfterTheConnectionIsKilled() async throws {
        let pool = try pool(size: 1)
        let killer = try self.pool(size: 1)
        let pid = try await pool.withConnection { conn in
            try conn.query("SELECT pg_backend_pid()").row(0).requiredInt64(0)
        }
        _ = try await killer.withConnection { conn in
            try conn.query("SELECT pg_terminate_backend($1)", [pid]).count
        }
        // Without retry the first use sees the dead connection; the pool replaces it for the next one.
        do {
            _ = try await pool.withConnection { conn in try conn.query("SELECT 1").count }
        } catch let error as PostgresError {
            XCTAssertEqual(error.kind, .connection)
            XCTAssertTrue(error.isTransient)
        }
        let newPID = try await pool.withConnection { conn in
            try conn.query("SELECT pg_backend_pid()").row(0).requiredInt64(0)
        }
        XCTAssertNotEqual(newPID, pid)
        // With retryOnConnectionLoss the caller never sees the loss.
        _ = try await killer.withConnection { conn in
            try conn.query("SELECT pg_terminate_backend($1)", [newPID]).count
        }
        let value = try await pool.withConnection(retryOnConnectionLoss: true) { conn in
            try conn.query("SELECT 41 + 1").row(0).requiredInt(0)
        }
        XCTAssertEqual(value, 42)
    }

    func testBadURLFailsWithAConnectionError() async throws {
        _ = try pool()   // skip without a database like the others
        let pool = PostgresPool(PostgresConfiguration(url: "postgresql://nobody@/nodb?host=/nonexistent-dir",
                                                      poolSize: 1, connectTimeoutSeconds: 1))
        pools.append(pool)
        do {
            _ = try await pool.withConnection { conn in try conn.query("SELECT 1").count }
            XCTFail("connected to nothing")
        } catch let error as PostgresError {
            XCTAssertEqual(error.kind, .connection)
        }
    }

    func testPoolIsBounded() async throws {
        let pool = try pool(size: 2, maxWaiting: 3)
        let backends = try await withThrowingTaskGroup(of: Int64?.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    do {
                        return try await pool.withConnection { conn in
                            try conn.query("SELECT pg_backend_pid() FROM pg_sleep(0.2)").row(0).requiredInt64(0)
                        }
                    } catch let error as PostgresError where error.kind == .poolExhausted {
                        return nil
                    }
                }
            }
            var pids: [Int64?] = []
            for try await pid in group { pids.append(pid) }
            return pids
        }
        let served = backends.compactMap { $0 }
        XCTAssertLessThanOrEqual(Set(served).count, 2, "never more connections than the pool size")
        XCTAssertGreaterThan(backends.count - served.count, 0, "excess waiters are refused, not queued forever")
    }

    func testTransactionRollsBackOnError() async throws {
        let pool = try pool(size: 1)
        let table = "layers_tx_test_\(UInt32.random(in: 0...UInt32.max))"
        try await pool.withConnection { conn in try conn.execute(script: "CREATE TEMP TABLE \(table) (v int)") }
        do {
            try await pool.withTransaction { conn in
                try conn.query("INSERT INTO \(table) VALUES ($1)", [1])
                try conn.query("SELECT 1/0")
                return ()
            }
            XCTFail("transaction body error swallowed")
        } catch is PostgresError {}
        let count = try await pool.withConnection { conn in
            try conn.query("SELECT count(*) FROM \(table)").row(0).requiredInt64(0)
        }
        XCTAssertEqual(count, 0)
    }
}

/// The UUID texts written without snprintf are exactly Foundation's, and byte order is text order.
final class UUIDTextTests: XCTestCase {
    func testFastUUIDTextsMatchFoundationAndOrderMatchesText() {
        var ids = (0..<500).map { _ in UUID() }
        ids.append(UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
        ids.append(UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255)))
        for id in ids {
            XCTAssertEqual(id.fastUUIDString, id.uuidString)
            XCTAssertEqual(id.fastLowercaseUUIDString, id.uuidString.lowercased())
            XCTAssertEqual(UserID(id).postgresText, id.uuidString)
        }
        for (a, b) in zip(ids, ids.dropFirst()) {
            XCTAssertEqual(UUID.byteOrderLess(a, b), a.uuidString < b.uuidString, "\(a) vs \(b)")
        }
    }
}
