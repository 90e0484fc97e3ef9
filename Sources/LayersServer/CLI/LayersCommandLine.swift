import Foundation
import LayersCore
import LayersCredits
import LayersModels
import LayersPostgres

/// The `layers-server` command line. The executable only calls ``run(_:environment:)``.
///
/// Commands: `serve`, `migrate`, `create-user`, `add-credits`, `create-key`, `models`. Output meant for scripts
/// (a user id, a plaintext key) goes alone on standard output; everything else goes to standard error.
public enum LayersCommandLine {
    public static let usage = """
    layers-server: one API key and one OpenAI-compatible API for many model providers.

    Usage:
      layers-server serve [--config FILE]            Serve HTTP (port 3700 by default).
      layers-server migrate                          Apply database migrations (needs DATABASE_URL).
      layers-server create-user [--email E] [--name N] [--tier T] [--credits C] [--if-missing]
                                                     Create a user; prints the user id alone on stdout.
                                                     --if-missing returns the existing user with that email.
      layers-server add-credits --user ID --amount C [--reference REF] [--note TEXT]
                                                     Add credits (idempotent by --reference).
      layers-server create-key --user ID [--name N] [--mode live|test | --test] [--project P] [--expires-in-days D]
                               [--monthly-budget C]
                                                     Create an API key; prints the plaintext key alone on stdout.
      layers-server check-key KEY                    Exit 0 when KEY exists and is active (nothing printed).
      layers-server models [--provider P] [--kind chat|image|embedding] [--json]
                                                     List the model registry.
      layers-server --help | --version

    Settings come from the environment (and an optional JSON config file, LAYERS_CONFIG_FILE or --config):
    """

    public static func helpText() -> String { usage + EnvironmentVariable.helpText() }

    /// Runs one command; returns the process exit status.
    public static func run(_ arguments: [String], environment: [String: String]) async -> Int32 {
        do {
            let args = try CommandLineArguments(arguments, flagNames: ["if-missing", "json", "version", "test"])
            if args.flags.contains("help") || args.command == "help" || (args.command == nil && !args.flags.contains("version")) {
                print(helpText())
                return args.command == nil && !args.flags.contains("help") ? 2 : 0
            }
            if args.flags.contains("version") { print(LayersVersion.string); return 0 }
            let source = try ConfigurationSource.load(environment: environment, explicitFile: args.value("config"))
            let configuration = try ServerConfiguration(source)
            switch args.command {
            case "serve": return try await serve(configuration)
            case "migrate": return try await migrate(configuration)
            case "create-user": return try await createUser(args, configuration)
            case "add-credits": return try await addCredits(args, configuration)
            case "create-key": return try await createKey(args, configuration)
            case "models": return try await models(args, configuration)
            case "check-key": return try await checkKey(args, configuration)
            default:
                throw CommandLineError("unknown command '\(args.command ?? "")' (see --help)")
            }
        } catch {
            let message: String
            if let e = error as? LayersError { message = e.message } else { message = String(describing: error) }
            FileHandle.standardError.write(Data("layers-server: \(message)\n".utf8))
            return 1
        }
    }

    static func serve(_ configuration: ServerConfiguration) async throws -> Int32 {
        if configuration.databaseURL == nil {
            ServerLog.warning("DATABASE_URL is not set: using in-memory stores, nothing will be persisted")
        }
        let bootstrap = try await GatewayBootstrap.open(configuration, migrate: true)
        let services = try bootstrap.services()
        let server = GatewayServer(services: services)
        server.catchSignals()   // SIGTERM right after start still shuts down gracefully
        let port = try server.start()
        ServerLog.info("layers \(LayersVersion.string) listening on http://\(configuration.host):\(port) "
            + "(storage: \(bootstrap.storageName), models: \(bootstrap.registry.count))")
        var maintenance: LedgerMaintenance?
        var sweeper: Task<Void, Never>?
        if let pg = bootstrap.postgres {
            // Sweeps expired holds and keeps the monthly usage partitions created ahead.
            let m = LedgerMaintenance(ledger: bootstrap.stores.ledger, pool: pg.pool)
            await m.start()
            maintenance = m
            if let queue = bootstrap.settlementQueue, let recovered = try? await queue.recoverJournal(), recovered > 0 {
                ServerLog.info("replaying \(recovered) settlement(s) from the journal")
            }
        } else {
            sweeper = Task { await ReservationSweeper(ledger: bootstrap.stores.ledger).run() }
        }
        try await server.runUntilSignal()
        if services.settlements.pendingCount > 0 {
            ServerLog.info("waiting for \(services.settlements.pendingCount) pending settlement(s)")
        }
        await services.settlements.drainAll()
        if let queue = bootstrap.settlementQueue {
            let left = await queue.drain(timeout: .seconds(max(1, configuration.shutdownGraceSeconds)))
            if left > 0 { ServerLog.error("\(left) settlement(s) could not be written before exit") }
        }
        if let leased = bootstrap.stores.ledger as? LeasedCreditLedger {
            await leased.close()   // writes every settlement and gives the leases back
        }
        sweeper?.cancel()
        await maintenance?.stop()
        bootstrap.postgres?.pool.shutdown()
        ServerLog.info("stopped")
        return 0
    }

    static func migrate(_ configuration: ServerConfiguration) async throws -> Int32 {
        guard let url = configuration.databaseURL else { throw CommandLineError("DATABASE_URL is not set") }
        let applied = try await LayersPostgres.migrate(databaseURL: url)
        if applied.isEmpty {
            ServerLog.info("database is up to date")
        } else {
            for m in applied { ServerLog.info("applied migration \(m.version) \(m.name)") }
        }
        return 0
    }

    static func requireDatabase(_ configuration: ServerConfiguration) throws {
        guard configuration.databaseURL != nil else {
            throw CommandLineError("DATABASE_URL is not set (admin commands change the database)")
        }
    }

    static func createUser(_ args: CommandLineArguments, _ configuration: ServerConfiguration) async throws -> Int32 {
        try requireDatabase(configuration)
        let bootstrap = try await GatewayBootstrap.open(configuration, migrate: true)
        defer { bootstrap.postgres?.pool.shutdown() }
        let email = args.value("email")
        if args.flags.contains("if-missing"), let email,
           let existing = try await bootstrap.stores.accounts.user(email: email) {
            print(existing.id.description)
            return 0
        }
        var credits: MicroCredits?
        if let text = args.value("credits") {
            guard let c = MicroCredits(decimalString: text) else { throw CommandLineError("--credits must be a number") }
            credits = c
        }
        let (user, account) = try await bootstrap.operations.createUser(
            email: email, name: args.value("name"), tier: args.value("tier"), credits: credits)
        FileHandle.standardError.write(Data(
            "created user \(user.id) (tier \(account.tier), balance \(account.balance.decimalString) credits)\n".utf8))
        print(user.id.description)
        return 0
    }

    static func addCredits(_ args: CommandLineArguments, _ configuration: ServerConfiguration) async throws -> Int32 {
        try requireDatabase(configuration)
        guard let user = UserID(try args.required("user")) else { throw CommandLineError("--user must be a user id") }
        guard let amount = MicroCredits(decimalString: try args.required("amount")) else {
            throw CommandLineError("--amount must be a number of credits")
        }
        let bootstrap = try await GatewayBootstrap.open(configuration)
        defer { bootstrap.postgres?.pool.shutdown() }
        let change = try await bootstrap.operations.addCredits(userID: user, amount: amount,
                                                               reference: args.value("reference"),
                                                               note: args.value("note"))
        let note = change.applied ? "added \(amount.decimalString) credits" : "already applied (same reference)"
        FileHandle.standardError.write(Data("\(note); balance:\n".utf8))
        print(change.account.balance.decimalString)
        return 0
    }

    static func createKey(_ args: CommandLineArguments, _ configuration: ServerConfiguration) async throws -> Int32 {
        try requireDatabase(configuration)
        guard let user = UserID(try args.required("user")) else { throw CommandLineError("--user must be a user id") }
        let modeText = args.flags.contains("test") ? "test" : (args.value("mode") ?? "live")
        guard let mode = APIKeyMode(rawValue: modeText) else { throw CommandLineError("--mode must be live or test") }
        var expires: Date?
        if let days = args.value("expires-in-days") {
            guard let d = Int(days), d > 0 else { throw CommandLineError("--expires-in-days must be positive") }
            expires = Date().addingTimeInterval(Double(d) * 86_400)
        }
        var budget: MicroCredits?
        if let text = args.value("monthly-budget") {
            guard let amount = MicroCredits(decimalString: text), amount >= .zero else {
                throw CommandLineError("--monthly-budget must be a non-negative number of credits")
            }
            budget = amount
        }
        let bootstrap = try await GatewayBootstrap.open(configuration)
        defer { bootstrap.postgres?.pool.shutdown() }
        let (key, record) = try await bootstrap.operations.createKey(
            userID: user, name: args.value("name") ?? "default", mode: mode, project: args.value("project"),
            expiresAt: expires, monthlyBudget: budget)
        FileHandle.standardError.write(Data("created \(mode.rawValue) key \(record.id) (\(record.keyPrefix)); it is shown only once\n".utf8))
        print(key.plaintext)
        return 0
    }

    static func checkKey(_ args: CommandLineArguments, _ configuration: ServerConfiguration) async throws -> Int32 {
        try requireDatabase(configuration)
        guard let text = args.positionals.first, let key = APIKeyParser.classify(text).key else { return 1 }
        let bootstrap = try await GatewayBootstrap.open(configuration)
        defer { bootstrap.postgres?.pool.shutdown() }
        guard let record = try await bootstrap.stores.keys.lookup(keyHash: key.hash.hex) else { return 1 }
        return record.status() == .active ? 0 : 1
    }

    static func models(_ args: CommandLineArguments, _ configuration: ServerConfiguration) async throws -> Int32 {
        var registry = ModelRegistry.builtIn
        if let path = configuration.modelsFile { registry = try registry.applying(overridesFile: path) }
        var models = registry.all
        if let p = args.value("provider") { models = models.filter { $0.provider.rawValue == p.lowercased() } }
        if let k = args.value("kind") { models = models.filter { $0.kind.rawValue == k } }
        if args.flags.contains("json") {
            print(JSONValue.array(models.map(ModelJSON.render)).serialized())
            return 0
        }
        for m in models {
            let price = m.kind == .chat
                ? "$\(m.pricing.input.usdPerMillionString) in / $\(m.pricing.output.usdPerMillionString) out per 1M"
                : m.kind.rawValue
            print("\(m.id.padding(toLength: 42, withPad: " ", startingAt: 0)) \(String(m.contextWindow).padding(toLength: 9, withPad: " ", startingAt: 0)) \(price)")
        }
        return 0
    }
}
