import Foundation

/// Applies `Migration.all` in version order, each in its own transaction, recording them in
/// `schema_migrations`. Runs under a PostgreSQL advisory lock, so several servers starting at once migrate
/// exactly once; running it again is a no-op.
public struct Migrator: Sendable {
    /// Arbitrary constant identifying the Layers migration lock.
    static let advisoryLockKey: Int64 = 0x4C41_5945_5253   // "LAYERS"

    public let pool: PostgresPool
    public let migrations: [Migration]

    public init(pool: PostgresPool, migrations: [Migration] = Migration.all) {
        self.pool = pool
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// Applies pending migrations; returns the ones applied now (empty when up to date). Also makes sure the
    /// monthly usage partitions for the next months exist.
    @discardableResult
    public func migrate() async throws -> [Migration] {
        let migrations = self.migrations
        return try await pool.withConnection { conn in
            try conn.query("SELECT pg_advisory_lock($1)", [Self.advisoryLockKey])
            defer { _ = try? conn.query("SELECT pg_advisory_unlock($1)", [Self.advisoryLockKey]) }
            try conn.execute(script: """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version     integer PRIMARY KEY,
                    name        text NOT NULL,
                    checksum    text NOT NULL,
                    applied_at  timestamptz NOT NULL DEFAULT now()
                )
                """)
            let rows = try conn.query("SELECT version, checksum FROM schema_migrations")
            var applied: [Int: String] = [:]
            for row in rows.rows { applied[try row.requiredInt(0)] = try row.requiredString(1) }
            let known = Set(migrations.map(\.version))
            if let unknown = applied.keys.filter({ !known.contains($0) }).max() {
                throw MigrationError.unknownVersion(unknown)
            }
            var done: [Migration] = []
            for migration in migrations {
                if let checksum = applied[migration.version] {
                    guard checksum == migration.checksum else {
                        throw MigrationError.checksumMismatch(version: migration.version, name: migration.name)
                    }
                    continue
                }
                do {
                    try conn.transaction {
                        try conn.execute(script: migration.sql)
                        try conn.query("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                                       [migration.version, migration.name, migration.checksum])
                    }
                } catch let error as PostgresError {
                    throw MigrationError.failed(version: migration.version, name: migration.name, underlying: error)
                }
                done.append(migration)
            }
            try conn.query("SELECT ensure_usage_partitions(now(), 3)")
            return done
        }
    }

    /// Versions recorded in `schema_migrations` (empty for a fresh database).
    public func appliedVersions() async throws -> [Int] {
        try await pool.withConnection(retryOnConnectionLoss: true) { conn in
            let exists = try conn.query("SELECT to_regclass('schema_migrations') IS NOT NULL").row(0).bool(0) ?? false
            guard exists else { return [] }
            return try conn.query("SELECT version FROM schema_migrations ORDER BY version").rows
                .map { try $0.requiredInt(0) }
        }
    }
}

/// Migrates the database at `databaseURL` to the schema this build embeds (the `layers-server migrate`
/// command). Safe to run repeatedly and concurrently. Returns the migrations applied now.
@discardableResult
public func migrate(databaseURL: String) async throws -> [Migration] {
    let pool = PostgresPool(PostgresConfiguration(url: databaseURL, poolSize: 1))
    defer { pool.shutdown() }
    return try await Migrator(pool: pool).migrate()
}
