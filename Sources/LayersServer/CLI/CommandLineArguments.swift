/// `--name value` / `--name=value` / `--flag` options after a subcommand.
struct CommandLineArguments {
    let command: String?
    private(set) var options: [String: String] = [:]
    private(set) var flags: Set<String> = []
    /// Arguments after the command that are not options (`check-key <key>`).
    private(set) var positionals: [String] = []

    init(_ arguments: [String], flagNames: Set<String>) throws {
        var rest = arguments[...]
        if let first = rest.first, !first.hasPrefix("-") {
            command = first
            rest = rest.dropFirst()
        } else {
            command = nil
        }
        while let arg = rest.first {
            rest = rest.dropFirst()
            guard arg.hasPrefix("--") else {
                guard command != nil else { throw CommandLineError("unexpected argument '\(arg)'") }
                positionals.append(arg)
                continue
            }
            var name = String(arg.dropFirst(2))
            if let eq = name.firstIndex(of: "=") {
                options[String(name[..<eq])] = String(name[name.index(after: eq)...])
                continue
            }
            if flagNames.contains(name) || name == "help" {
                flags.insert(name)
                continue
            }
            guard let value = rest.first else { throw CommandLineError("--\(name) needs a value") }
            rest = rest.dropFirst()
            options[name] = value
            name = ""
        }
    }

    func value(_ name: String) -> String? { options[name] }

    func required(_ name: String) throws -> String {
        guard let v = options[name], !v.isEmpty else { throw CommandLineError("--\(name) is required") }
        return v
    }
}

struct CommandLineError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
