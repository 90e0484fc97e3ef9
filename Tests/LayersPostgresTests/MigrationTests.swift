import Foundation
import LayersPostgres
import XCTest

final class MigrationTests: XCTestCase {
    /// The migrations compiled into the binary are exactly the files in sql/ (run sql/embed.sh after edits).
    func testEmbeddedMigrationsMatchSQLFiles() throws {
        let sqlDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("sql")
        let files = try FileManager.default.contentsOfDirectory(atPath: sqlDir.path)
            .filter { $0.hasSuffix(".sql") }.sorted()
        XCTAssertEqual(files.count, Migration.all.count, "run sql/embed.sh")
        for (file, migration) in zip(files, Migration.all) {
            XCTAssertEqual(file, migration.name + ".sql")
            XCTAssertEqual(Int(file.prefix(3)), migration.version)
            var text = try String(contentsOf: sqlDir.appendingPathComponent(file), encoding: .utf8)
            while text.hasSuffix("\n") { text.removeLast() }
            XCTAssertEqual(text, migration.sql, "\(file) differs from the embedded copy: run sql/embed.sh")
        }
        XCTAssertEqual(Migration.all.map(\.version), Migration.all.map(\.version).sorted())
    }

    /// A fresh database: concurrent migrators apply each migration once; a second run is a no-op.
    func testMigrateFreshDatabaseConcurrentlyAndTwice() async throws {
        guard let url = PostgresTestSupport.databaseURL else { throw XCTSkip("DATABASE_URL is not set") }
        let name = "layers_migtest_\(UInt32.random(in: 0...UInt32.max))"
        let admin = PostgresPool(PostgresConfiguration(url: url, poolSize: 1))
        defer { admin.shutdown() }
        try await admin.withConnection { conn in try conn.execute(script: "CREATE DATABASE \(name)") }
        do {
            let freshURL = try Self.url(url, database: name)
            let applied = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<3 { group.addTask { try await migrate(databaseURL: freshURL).count } }
                var counts: [Int] = []
                for try await n in group { counts.append(n) }
                return counts
            }
            XCTAssertEqual(applied.sorted(), [0, 0, Migration.all.count], "each migration applied exactly once")
            let again = try await migrate(databaseURL: freshURL)
            XCTAssertEqual(again.count, 0)
            let pool = PostgresPool(PostgresConfiguration(url: freshURL, poolSize: 1))
            let versions = try await Migrator(pool: pool).appliedVersions()
            let tables = try await pool.withConnection { conn in
                try conn.query("""
                    SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename IN
                    ('users', 'api_keys', 'credit_balances', 'credit_ledger', 'credit_reservations', 'usage_logs_default',
                     'request_settlements', 'margin_configs', 'schema_migrations')
                    """).row(0).requiredInt(0)
            }
            pool.shutdown()
            XCTAssertEqual(versions, Migration.all.map(\.version))
            XCTAssertEqual(tables, 9)
        } catch {
            try? await admin.withConnection { conn in try conn.execute(script: "DROP DATABASE IF EXISTS \(name)") }
            throw error
        }
        try await admin.withConnection { conn in
            try conn.execute(script: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
    }

    func testEditedMigrationIsRefused() async throws {
        let store = try await PostgresTestSupport.store(poolSize: 1)
        defer { store.pool.shutdown() }
        var edited = Migration.all
        edited[0].sql += "\n-- edited"
        do {
            try await Migrator(pool: store.pool, migrations: edited).migrate()
            XCTFail("edited migration accepted")
        } catch let error as MigrationError {
            guard case .checksumMismatch(let version, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(version, 1)
        }
    }

    /// Replaces the database name in a libpq URL (postgresql://user@host/db?params).
    static func url(_ url: String, database: String) throws -> String {
        guard let scheme = url.range(of: "://") else { throw XCTSkip("DATABASE_URL is not a URL") }
        let afterScheme = url[scheme.upperBound...]
        let query = afterScheme.firstIndex(of: "?").map { String(afterScheme[$0...]) } ?? ""
        let authority = afterScheme.prefix { $0 != "/" && $0 != "?" }
        return String(url[..<scheme.upperBound]) + authority + "/" + database + query
    }
}
