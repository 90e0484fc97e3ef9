import Foundation
import LayersCore
import LayersCredits

/// The four store protocols backed by PostgreSQL (the schema in `sql/`). All money moves through the stored
/// procedures, each one transaction; see `CreditLedger` for the guarantees.
///
/// ```swift
/// let store = try await PostgresStore.connect(databaseURL: url, migrate: true)
/// let stores = store.asStores()                     // keys wrapped in a 5 s CachedAPIKeyStore
/// ```
public struct PostgresStore: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Opens a pool and, with `migrate`, applies pending migrations first. `usePreparedStatements: false` for a
    /// transaction-mode pooler that cannot carry prepared statements (see docs/database.md).
    public static func connect(databaseURL: String, poolSize: Int = 8, statementTimeoutMs: Int = 10_000,
                               usePreparedStatements: Bool = true, migrate: Bool = false) async throws
        -> PostgresStore
    {
        let pool = PostgresPool(PostgresConfiguration(url: databaseURL, poolSize: poolSize,
                                                      statementTimeoutMs: statementTimeoutMs,
                                                      usePreparedStatements: usePreparedStatements))
        if migrate { try await Migrator(pool: pool).migrate() }
        return PostgresStore(pool: pool)
    }

    /// The stores as the server wires them; key lookups go through a `CachedAPIKeyStore` with `keyCacheTTL`
    /// (nil: no cache; the TTL is the bound after which a key revoked by another process stops working).
    /// With `groupCommit`, settlements go through a `GroupCommitLedger` (batched transactions).
    public func asStores(keyCacheTTL: Duration? = .seconds(5), groupCommit: Bool = false) -> LayersStores {
        let keys: any APIKeyStore = keyCacheTTL.map { CachedAPIKeyStore(wrapping: self, ttl: $0) } ?? self
        let ledger: any CreditLedger = groupCommit ? GroupCommitLedger(store: self) : self
        return LayersStores(keys: keys, accounts: self, ledger: ledger, usage: self)
    }

    /// True when a trivial query succeeds (for `/health`).
    public func isReachable() async -> Bool {
        (try? await pool.withConnection { conn in try conn.query("SELECT 1").count }) == 1
    }

    /// Runs `body` on a pooled connection, mapping database errors to `StoreError`s. `idempotent` bodies are
    /// retried once on a fresh connection when the connection was lost.
    func run<T: Sendable>(idempotent: Bool = true, user: UserID? = nil, amount: MicroCredits? = nil,
                          requestID: String? = nil,
                          _ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        do {
            return try await pool.withConnection(retryOnConnectionLoss: idempotent, body)
        } catch let error as PostgresError {
            throw error.storeError(user: user, amount: amount, requestID: requestID)
        }
    }
}

extension PostgresError {
    /// The `StoreError` a caller should see for this database error.
    func storeError(user: UserID?, amount: MicroCredits?, requestID: String?) -> any Error {
        if isTransient { return StoreError.unavailable(description) }
        switch sqlState {
        case "LY404":
            return StoreError.userNotFound(user ?? UserID(UUID(uuid: UUID_NULL)))
        case "LY402":
            let available = detail.flatMap { Int64($0) } ?? 0
            return StoreError.insufficientCredits(available: MicroCredits(rawValue: available),
                                                  required: amount ?? .zero)
        case "LY409":
            return StoreError.requestIDConflict(requestID ?? "")
        case "LY422", "23514", "22023", "22P02", "22003":
            return StoreError.invalidArgument(message)
        case "23503":
            return StoreError.userNotFound(user ?? UserID(UUID(uuid: UUID_NULL)))
        case "23505":
            if message.contains("credit_reservations_pkey") || message.contains("request_settlements_pkey") {
                return StoreError.requestIDConflict(requestID ?? "")
            }
            if message.contains("users_email_lower") { return StoreError.duplicate("email") }
            if message.contains("users_pkey") { return StoreError.duplicate("user id") }
            return StoreError.duplicate("API key")
        default:
            return self
        }
    }
}

let UUID_NULL: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
