// layers-bench-db: PostgreSQL benchmarks for bench/db/run.sh (not a test).
//
//   layers-bench-db settle    --url U [--mode single|group|lease] [--users N] [--concurrency C] [--count N] [--pool P]
//                             [--inflight F] (group: batches written at once)
//   layers-bench-db usage     --url U [--mode single|group|lease] [--concurrency C] [--count N] [--pool P]
//   layers-bench-db aggregate --url U [--iterations N]
//   layers-bench-db migrate   --url U
//
// settle: creates --users users with a large balance, then C workers run --count reserve+settle pairs (the
//   gateway's hot path: reserve an estimate, settle the actual amount with its usage row), then --count
//   settlements of requests reserved beforehand (settle alone). Reports settlements/s and latency percentiles.
// usage: --count usage rows recorded through settle_credits with no charge (recordUsage), rows/s.
// aggregate: on a database seeded by bench/db/seed.sql, 30-day per-key (and per-user, and all-users by model)
//   usage aggregates through PostgresStore's UsageStore queries, latency percentiles.
import Foundation
import LayersCore
import LayersCredits
import LayersPostgres

struct Options {
    var command = ""
    var url = ""
    var mode = "single"
    var users = 1000
    var concurrency = 64
    var count = 20_000
    var pool = 16
    var iterations = 50
    var inflight = 2

    init(_ args: [String]) throws {
        var it = args.dropFirst().makeIterator()
        guard let command = it.next() else { throw BenchError("usage: layers-bench-db settle|usage|aggregate|migrate --url U ...") }
        self.command = command
        while let flag = it.next() {
            guard let value = it.next() else { throw BenchError("\(flag) needs a value") }
            switch flag {
            case "--url": url = value
            case "--mode": mode = value
            case "--users": users = Int(value) ?? users
            case "--concurrency": concurrency = Int(value) ?? concurrency
            case "--count": count = Int(value) ?? count
            case "--pool": pool = Int(value) ?? pool
            case "--iterations": iterations = Int(value) ?? iterations
            case "--inflight": inflight = Int(value) ?? inflight
            default: throw BenchError("unknown option \(flag)")
            }
        }
        guard !url.isEmpty else { throw BenchError("--url is required") }
        guard ["single", "group", "lease"].contains(mode) else { throw BenchError("--mode single|group|lease") }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// Collects latencies (ns) from concurrent workers.
actor Samples {
    private var values: [Int64] = []
    func add(_ batch: [Int64]) { values.append(contentsOf: batch) }
    func all() -> [Int64] { values }
}

func nanos(_ d: Duration) -> Int64 {
    let c = d.components
    return c.seconds * 1_000_000_000 + c.attoseconds / 1_000_000_000
}

func ms(_ ns: Int64) -> String { String(format: "%.2f ms", Double(ns) / 1e6) }

func summary(_ values: [Int64]) -> String {
    let s = values.sorted()
    guard !s.isEmpty else { return "no samples" }
    func p(_ q: Double) -> Int64 { s[min(s.count - 1, Int(Double(s.count) * q))] }
    return "p50 \(ms(p(0.50)))  p99 \(ms(p(0.99)))  max \(ms(s.last!))"
}

/// Runs `total` operations on `concurrency` workers; `op(i)` does operation i. Returns wall time and latencies.
func runLoad(total: Int, concurrency: Int, _ op: @escaping @Sendable (Int) async throws -> Void) async throws
    -> (Duration, [Int64])
{
    let samples = Samples()
    let clock = ContinuousClock()
    let start = clock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for w in 0..<concurrency {
            group.addTask {
                var mine: [Int64] = []
                var i = w
                while i < total {
                    let t0 = clock.now
                    try await op(i)
                    mine.append(nanos(clock.now - t0))
                    i += concurrency
                }
                await samples.add(mine)
            }
        }
        try await group.waitForAll()
    }
    return (clock.now - start, await samples.all())
}

/// For a leased ledger, the time to write everything it accepted (its settle returns before the write).
func flushTime(_ ledger: any CreditLedger) async -> Duration {
    let start = ContinuousClock.now
    await ledger.synchronize()
    return ContinuousClock.now - start
}

func rate(_ n: Int, _ d: Duration) -> String {
    String(format: "%.0f", Double(n) / (Double(nanos(d)) / 1e9))
}

func makeUsage(_ rid: String, _ user: UserID, _ credits: Int64) -> UsageRecord {
    UsageRecord(requestID: rid, userID: user, apiKeyID: nil, project: "bench",
                metadataJSON: #"{"bench":"db"}"#, provider: "openai", model: "openai/gpt-5", promptTokens: 1200,
                cachedTokens: 100, completionTokens: 300, reasoningTokens: 0,
                baseCost: Picodollars(rawValue: credits * 625_000), credits: MicroCredits(rawValue: credits),
                marginBps: 6000, latencyMs: 900, ttftMs: 200, status: 200, isStream: true)
}

func settleBench(_ o: Options, store: PostgresStore, ledger: any CreditLedger) async throws {
    var users: [UserID] = []
    for _ in 0..<o.users {
        let u = try await store.createUser(NewUser())
        _ = try await store.addCredits(userID: u.id, amount: MicroCredits(rawValue: 1_000_000_000_000),
                                       externalRef: nil, note: "bench")
        users.append(u.id)
    }
    let userList = users
    let run = UUID().uuidString.prefix(8)
    let estimate: Int64 = 20_000, actual: Int64 = 13_440
    // 1. reserve + settle pairs.
    let (pairRun, pairLatency) = try await runLoad(total: o.count, concurrency: o.concurrency) { i in
        let rid = "bench-\(run)-p\(i)"
        let user = userList[i % userList.count]
        let r = try await ledger.reserve(requestID: rid, userID: user, amount: MicroCredits(rawValue: estimate),
                                         ttl: .seconds(600))
        guard case .reserved = r else { throw BenchError("reservation refused") }
        _ = try await ledger.settle(Settlement(usage: makeUsage(rid, user, actual), charge: MicroCredits(rawValue: actual)))
    }
    let pairTime = pairRun + (await flushTime(ledger))
    print("  reserve+settle pairs: \(rate(o.count, pairTime)) settlements/s   pair latency \(summary(pairLatency))")
    // 2. settle alone, for requests reserved beforehand.
    _ = try await runLoad(total: o.count, concurrency: o.concurrency) { i in
        _ = try await ledger.reserve(requestID: "bench-\(run)-s\(i)", userID: userList[i % userList.count],
                                     amount: MicroCredits(rawValue: estimate), ttl: .seconds(600))
    }
    _ = await flushTime(ledger)
    let (settleRun, settleLatency) = try await runLoad(total: o.count, concurrency: o.concurrency) { i in
        let rid = "bench-\(run)-s\(i)"
        let user = userList[i % userList.count]
        _ = try await ledger.settle(Settlement(usage: makeUsage(rid, user, actual), charge: MicroCredits(rawValue: actual)))
    }
    let settleTime = settleRun + (await flushTime(ledger))
    print("  settle alone:         \(rate(o.count, settleTime)) settlements/s   settle latency \(summary(settleLatency))")
    if let leased = ledger as? LeasedCreditLedger {
        print(String(format: "  credit leases: %d flushes for %d settlements (mean batch %.1f); settle latency is in memory, "
                     + "the rates include writing every settlement", leased.flushCount, leased.flushedSettlements,
                     Double(leased.flushedSettlements) / Double(max(1, leased.flushCount))))
    }
    if let gc = ledger as? GroupCommitLedger {
        let n = await gc.batchCount, m = await gc.batchedSettlements
        print(String(format: "  group commit: %d transactions for %d settlements (mean batch %.1f)", n, m,
                     Double(m) / Double(max(1, n))))
    }
    // Sanity: nothing lost or doubled.
    for user in userList.prefix(3) {
        guard let account = try await store.creditAccount(userID: user) else { throw BenchError("user vanished") }
        let perUser = (0..<o.count).filter { userList[$0 % userList.count] == user }.count * 2
        let expected = 1_000_000_000_000 - Int64(perUser) * actual
        guard account.balance.rawValue == expected, account.reserved == .zero else {
            throw BenchError("balance \(account.balance.rawValue) reserved \(account.reserved.rawValue), expected \(expected)")
        }
    }
}

func usageBench(_ o: Options, store: PostgresStore, ledger: any CreditLedger) async throws {
    let users = try await (0..<16).asyncMap { _ in try await store.createUser(NewUser()).id }
    let run = UUID().uuidString.prefix(8)
    let (run0, latency) = try await runLoad(total: o.count, concurrency: o.concurrency) { i in
        let rid = "bench-\(run)-u\(i)"
        _ = try await ledger.settle(Settlement(usage: makeUsage(rid, users[i % users.count], 0), charge: .zero))
    }
    let time = run0 + (await flushTime(ledger))
    let how = ["single": "one transaction each", "group": "one transaction each, group-committed",
               "lease": "credit leases: bulk flushes"][o.mode] ?? o.mode
    print("  usage rows (\(how)): " +
          "\(rate(o.count, time)) rows/s   latency \(summary(latency))")
}

func aggregateBench(_ o: Options, store: PostgresStore) async throws {
    let meta = try await store.pool.withConnection { conn in
        let row = try conn.query("SELECT seeded_rows, seeded_at FROM bench_meta").row(0)
        return (try row.requiredInt64(0), try row.requiredDate(1))
    }
    let to = meta.1, from = meta.1.addingTimeInterval(-30 * 86_400)
    let keyIDs: [APIKeyID] = try await store.pool.withConnection { conn in
        try conn.query("SELECT md5('bench-key-' || k)::uuid FROM generate_series(0, 4999, 97) k").rows
            .map { APIKeyID(try $0.requiredUUID(0)) }
    }
    let userIDs: [UserID] = try await store.pool.withConnection { conn in
        try conn.query("SELECT md5('bench-user-' || i)::uuid FROM generate_series(0, 999, 19) i").rows
            .map { UserID(try $0.requiredUUID(0)) }
    }
    print("  usage_logs: \(meta.0) seeded rows; window \(PostgresTimestampText.text(from)) .. \(PostgresTimestampText.text(to))")
    let iterations = o.iterations
    func measure(_ label: String, _ n: Int, _ body: @escaping @Sendable (Int) async throws -> Int64) async throws {
        var samples: [Int64] = []
        var rows: Int64 = 0
        let clock = ContinuousClock()
        for i in 0..<n {
            let t0 = clock.now
            rows += try await body(i)
            samples.append(nanos(clock.now - t0))
        }
        print("  \(label): \(summary(samples))  (first \(ms(samples[0])), \(n) runs, mean \(rows / Int64(n)) rows aggregated)")
    }
    try await measure("per-key 30-day totals      ", iterations) { i in
        let t = try await store.usageTotals(UsageQuery(apiKeyID: keyIDs[i % keyIDs.count], from: from, to: to))
        return t.requests
    }
    try await measure("per-key 30-day by day      ", iterations) { i in
        let g = try await store.usageBreakdown(UsageQuery(apiKeyID: keyIDs[(i + 7) % keyIDs.count], from: from, to: to),
                                               by: .day)
        return g.reduce(0) { $0 + $1.totals.requests }
    }
    try await measure("per-user 30-day by model   ", iterations) { i in
        let g = try await store.usageBreakdown(UsageQuery(userID: userIDs[i % userIDs.count], from: from, to: to),
                                               by: .model)
        return g.reduce(0) { $0 + $1.totals.requests }
    }
    try await measure("all users 30-day by model  ", 3) { _ in
        let g = try await store.usageBreakdown(UsageQuery(from: from, to: to), by: .model)
        return g.reduce(0) { $0 + $1.totals.requests }
    }
}

enum PostgresTimestampText {
    static func text(_ d: Date) -> String { ISO8601DateFormatter().string(from: d) }
}

extension Sequence {
    func asyncMap<T>(_ f: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for e in self { out.append(try await f(e)) }
        return out
    }
}

@main
struct BenchDB {
    static func main() async {
        do {
            let o = try Options(CommandLine.arguments)
            let pool = PostgresPool(PostgresConfiguration(url: o.url, poolSize: o.pool, statementTimeoutMs: 600_000))
            defer { pool.shutdown() }
            let store = PostgresStore(pool: pool)
            let ledger: any CreditLedger = switch o.mode {
            case "group": GroupCommitLedger(store: store, maxBatch: 64, maxInFlight: o.inflight)
            case "lease": LeasedCreditLedger(store: store)
            default: store
            }
            switch o.command {
            case "settle": try await settleBench(o, store: store, ledger: ledger)
            case "usage": try await usageBench(o, store: store, ledger: ledger)
            case "aggregate": try await aggregateBench(o, store: store)
            case "migrate":
                let applied = try await migrate(databaseURL: o.url)
                print("  migrations applied: \(applied.map(\.name))")
            default: throw BenchError("unknown command \(o.command)")
            }
        } catch {
            FileHandle.standardError.write(Data("layers-bench-db: \(error)\n".utf8))
            exit(1)
        }
    }
}
