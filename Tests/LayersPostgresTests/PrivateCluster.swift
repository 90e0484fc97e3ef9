import Foundation
import LayersPostgres
import XCTest

/// A throwaway PostgreSQL cluster of its own (scripts/pg.sh with a private LAYERS_PGROOT under /tmp), for tests
/// that stop or crash the server. The shared cluster named by DATABASE_URL is never touched.
struct PrivateCluster: Sendable {
    let root: String
    let script: String

    /// libpq URL of the cluster's `layers` database.
    var url: String { "postgresql://layers@/layers?host=\(root)&port=5432" }

    /// initdb + start. Skips the test when no PostgreSQL server binaries are installed (e.g. a CI job that only
    /// has a managed database); fails when they are installed but the cluster does not come up.
    static func start() async throws -> PrivateCluster {
        guard serverBinariesInstalled() else {
            throw XCTSkip("initdb/pg_ctl not installed: cannot run a private cluster to restart")
        }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/pg.sh").path
        // Short path: the unix socket path must stay under ~107 bytes.
        let root = "/tmp/layers-pgt-\(UInt32.random(in: 0...UInt32.max))"
        let cluster = PrivateCluster(root: root, script: script)
        do {
            try await cluster.run("start")
        } catch {
            await cluster.destroy()
            throw error
        }
        return cluster
    }

    /// Runs `scripts/pg.sh <command>` for this cluster on a plain thread (posix_spawn + waitpid), off the
    /// cooperative pool. Output goes to the test log.
    func run(_ command: String) async throws {
        let status: Int32 = await withCheckedContinuation { continuation in
            Thread.detachNewThread { [root, script] in
                var pid: pid_t = 0
                let arguments: [String] = ["/bin/bash", script, command]
                let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
                var env = ProcessInfo.processInfo.environment
                env["LAYERS_PGROOT"] = root
                env["LAYERS_PGPORT"] = "5432"
                let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
                defer {
                    argv.forEach { free($0) }
                    envp.forEach { free($0) }
                }
                guard posix_spawn(&pid, "/bin/bash", nil, nil, argv, envp) == 0 else {
                    return continuation.resume(returning: -1)
                }
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                continuation.resume(returning: status)
            }
        }
        guard status == 0 else { throw PostgresError(.connection, message: "pg.sh \(command) failed (\(status))") }
    }

    /// Stops the cluster and deletes its folder.
    /// The outages of the restart tests, driven by the load's progress: after every `step` more completed
    /// requests, a clean stop, then a crash (`-m immediate`), each followed by a second of downtime and a start;
    /// after a last `step` requests, `finish()`. `label` prefixes the progress lines.
    func stopThenCrash(every step: Int, label: String, completed: @Sendable () async -> Int,
                       finish: @Sendable () async -> Void) async throws {
        var mark = 0
        for command in ["stop", "crash"] {
            mark += step
            while await completed() < mark { try await Task.sleep(for: .milliseconds(10)) }
            print("\(label): pg.sh \(command) at \(mark) requests")
            try await run(command)
            try await Task.sleep(for: .seconds(1))
            try await run("start")
            mark = await completed()
        }
        while await completed() < mark + step { try await Task.sleep(for: .milliseconds(10)) }
        await finish()
    }

    /// Migrates the cluster and opens a store on it (the caller shuts its pool down).
    func migratedStore(poolSize: Int = 8) async throws -> PostgresStore {
        try await migrate(databaseURL: url)
        return PostgresStore(pool: PostgresPool(PostgresConfiguration(url: url, poolSize: poolSize)))
    }

    func destroy() async {
        try? await run("stop")
        try? FileManager.default.removeItem(atPath: root)
    }

    private static func serverBinariesInstalled() -> Bool {
        let fm = FileManager.default
        if let bin = ProcessInfo.processInfo.environment["LAYERS_PGBIN"], fm.isExecutableFile(atPath: bin + "/initdb") {
            return true
        }
        if let versions = try? fm.contentsOfDirectory(atPath: "/usr/lib/postgresql"),
           versions.contains(where: { fm.isExecutableFile(atPath: "/usr/lib/postgresql/\($0)/bin/initdb") }) {
            return true
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return path.split(separator: ":").contains { fm.isExecutableFile(atPath: "\($0)/initdb") }
    }
}

/// The progress of a restart test's load: requests settled (with their charge) and refused, and when to stop.
actor RestartLoad {
    var completed = 0
    var stop = false
    var charged: [String: Int64] = [:]
    var refused: [String] = []

    func succeeded(_ id: String, _ amount: Int64) {
        charged[id] = amount
        completed += 1
    }
    func failed(_ id: String) {
        refused.append(id)
        completed += 1
    }
    func finish() { stop = true }
}
