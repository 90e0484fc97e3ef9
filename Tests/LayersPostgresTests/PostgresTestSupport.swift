import Foundation
import LayersCore
import LayersPostgres
import XCTest

/// Shared access to the test database named by `DATABASE_URL` (scripts/test.sh starts a private cluster).
enum PostgresTestSupport {
    static var databaseURL: String? {
        let url = ProcessInfo.processInfo.environment["DATABASE_URL"]
        return (url?.isEmpty ?? true) ? nil : url
    }

    /// A migrated store on its own pool, or XCTSkip when DATABASE_URL is unset.
    static func store(poolSize: Int = 8, file: StaticString = #filePath, line: UInt = #line) async throws
        -> PostgresStore
    {
        guard let url = databaseURL else { throw XCTSkip("DATABASE_URL is not set") }
        try await migrateOnce(url)
        return PostgresStore(pool: PostgresPool(PostgresConfiguration(url: url, poolSize: poolSize)))
    }

    private static let migrated = MigrationGate()

    static func migrateOnce(_ url: String) async throws {
        try await migrated.run { try await migrate(databaseURL: url) }
    }
}

actor MigrationGate {
    private var done = false

    func run(_ body: () async throws -> Void) async throws {
        guard !done else { return }
        try await body()
        done = true
    }
}
