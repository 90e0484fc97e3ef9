import Foundation

/// Where settings come from: the process environment layered over an optional JSON config file.
///
/// The file is a JSON object whose keys are the environment variable names from
/// ``EnvironmentVariable/catalog``; string, number and boolean values are accepted. A variable set in the
/// environment wins over the file.
public struct ConfigurationSource: Sendable {
    /// The merged settings: file values first, then the environment on top.
    public let values: [String: String]

    public init(environment: [String: String], fileContents: Data? = nil, fileName: String = "config file") throws {
        var merged: [String: String] = [:]
        if let data = fileContents {
            merged = try Self.parseFile(data, fileName: fileName)
        }
        for (k, v) in environment { merged[k] = v }
        values = merged
    }

    /// Reads `LAYERS_CONFIG_FILE` (or `explicitFile`) if set, then layers `environment` over it.
    public static func load(environment: [String: String], explicitFile: String? = nil) throws -> ConfigurationSource {
        guard let path = explicitFile ?? environment["LAYERS_CONFIG_FILE"], !path.isEmpty else {
            return try ConfigurationSource(environment: environment)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("LAYERS_CONFIG_FILE", "cannot read \(path)")
        }
        return try ConfigurationSource(environment: environment, fileContents: data, fileName: path)
    }

    private enum SettingValue: Decodable {
        case text(String)

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let s = try? c.decode(String.self) { self = .text(s) }
            else if let b = try? c.decode(Bool.self) { self = .text(b ? "true" : "false") }
            else if let i = try? c.decode(Int64.self) { self = .text(String(i)) }
            else if let d = try? c.decode(Double.self) { self = .text(String(d)) }
            else if let a = try? c.decode([String].self) { self = .text(a.joined(separator: ",")) }
            else {
                throw DecodingError.dataCorruptedError(
                    in: c, debugDescription: "must be a string, number, boolean or list of strings")
            }
        }
    }

    private static func parseFile(_ data: Data, fileName: String) throws -> [String: String] {
        // Read once at start-up, off the hot path: Foundation's decoder is fine here.
        let dict: [String: SettingValue]
        do { dict = try JSONDecoder().decode([String: SettingValue].self, from: data) } catch let DecodingError.dataCorrupted(ctx) where !ctx.codingPath.isEmpty {
            throw ConfigurationError(ctx.codingPath.last!.stringValue, "in \(fileName): \(ctx.debugDescription)")
        } catch {
            throw ConfigurationError("LAYERS_CONFIG_FILE", "\(fileName) must hold a JSON object of settings")
        }
        let known = Set(EnvironmentVariable.catalog.map(\.name)).union(EnvironmentVariable.aliases.keys)
        var out: [String: String] = [:]
        for (key, value) in dict {
            guard known.contains(key) else { throw ConfigurationError(key, "unknown setting in \(fileName)") }
            if case .text(let t) = value { out[key] = t }
        }
        return out
    }

    public subscript(name: String) -> String? {
        guard let v = values[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
        return v
    }

    func int(_ name: String, default def: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = self[name] else { return def }
        guard let v = Int(text), range.contains(v) else {
            throw ConfigurationError(name, "must be an integer in \(range.lowerBound)...\(range.upperBound), got \"\(text)\"")
        }
        return v
    }

    func bool(_ name: String, default def: Bool) throws -> Bool {
        guard let text = self[name]?.lowercased() else { return def }
        switch text {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigurationError(name, "must be true or false, got \"\(text)\"")
        }
    }

    /// A non-negative decimal with at most `scale` fractional digits, returned scaled to an integer
    /// (e.g. "12.5" with scale 2 is 1250). No floating point: money settings stay exact.
    func fixedPoint(_ name: String, default def: Int64, scale: Int, max: Int64) throws -> Int64 {
        guard let text = self[name] else { return def }
        guard let v = DecimalText.parse(text, scale: scale), v <= max else {
            throw ConfigurationError(name, "must be a non-negative number with at most \(scale) decimals, got \"\(text)\"")
        }
        return v
    }
}
