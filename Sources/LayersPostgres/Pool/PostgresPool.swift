import Foundation

/// A bounded pool of PostgreSQL connections, each owned by its own worker thread.
///
/// `withConnection` hands a closure to a free worker and suspends the calling task (no thread is blocked on
/// the caller's side); the worker runs the blocking libpq calls and resumes the task with the result.
/// A broken connection is dropped and replaced on the next use ("reconnect after a lost connection");
/// with `retryOnConnectionLoss`, the closure is run once more on a fresh connection.
///
/// ```swift
/// let pool = PostgresPool(PostgresConfiguration(url: databaseURL, poolSize: 8))
/// let n = try await pool.withConnection { conn in
///     try conn.query("SELECT count(*) FROM users").row(0).requiredInt64(0)
/// }
/// ```
public final class PostgresPool: @unchecked Sendable {
    // Safe: all mutable state (`jobs`, `isShutdown`, `healthyCount`) is guarded by `condition`'s lock.
    private typealias Job = (PostgresConnection?, PostgresError?) -> Void

    public let configuration: PostgresConfiguration
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var jobHead = 0
    private var isShutdown = false
    private var workers: [Thread] = []
    private let finished = DispatchGroup()

    public init(_ configuration: PostgresConfiguration) {
        self.configuration = configuration
        for i in 0..<configuration.poolSize {
            finished.enter()
            let thread = Thread { [self] in
                self.workerLoop()
                self.finished.leave()
            }
            thread.name = "layers-pg-\(i)"
            thread.stackSize = 1 << 20
            workers.append(thread)
            thread.start()
        }
    }

    /// Runs `body` with a connection on a pool thread. The connection must not escape the closure.
    public func withConnection<T: Sendable>(
        retryOnConnectionLoss: Bool = false,
        _ body: @escaping @Sendable (PostgresConnection) throws -> T
    ) async throws -> T {
        do {
            return try await run(body)
        } catch let error as PostgresError where retryOnConnectionLoss && error.kind == .connection {
            return try await run(body)
        }
    }

    /// Runs `body` inside BEGIN/COMMIT on one connection.
    public func withTransaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T)
        async throws -> T
    {
        try await withConnection { conn in try conn.transaction { try body(conn) } }
    }

    /// Stops the workers after the queued jobs have run; later calls fail with `.poolExhausted`.
    public func shutdown() {
        condition.lock()
        isShutdown = true
        condition.broadcast()
        condition.unlock()
        finished.wait()
    }

    private func run<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job: Job = { connection, error in
                guard let connection else {
                    continuation.resume(throwing: error ?? PostgresError(.connection, message: "no connection"))
                    return
                }
                continuation.resume(with: Result { try body(connection) })
            }
            condition.lock()
            if isShutdown || jobs.count - jobHead >= configuration.maxWaiting {
                let shut = isShutdown
                condition.unlock()
                continuation.resume(throwing: PostgresError(
                    .poolExhausted, message: shut ? "pool is shut down" : "too many queries waiting for a connection"))
                return
            }
            jobs.append(job)
            condition.signal()
            condition.unlock()
        }
    }

    private func nextJob() -> Job? {
        condition.lock()
        defer { condition.unlock() }
        while jobHead == jobs.count {
            if isShutdown { return nil }
            condition.wait()
        }
        let job = jobs[jobHead]
        jobHead += 1
        if jobHead > 1024 && jobHead * 2 > jobs.count {
            jobs.removeFirst(jobHead)
            jobHead = 0
        }
        return job
    }

    private func workerLoop() {
        var connection: PostgresConnection?
        while let job = nextJob() {
            if connection?.isHealthy != true {
                connection = nil
                do {
                    connection = try configuration.connect()
                } catch let error as PostgresError {
                    job(nil, error)
                    continue
                } catch {
                    job(nil, PostgresError(.connection, message: "\(error)"))
                    continue
                }
            }
            job(connection, nil)
        }
    }
}
