import Foundation

/// Named OpenAI-compatible providers from a JSON file (`LAYERS_PROVIDERS_FILE`), read at start-up:
///
/// ```json
/// {"providers": [
///   {"name": "ollama", "base_url": "http://127.0.0.1:11434/v1"},
///   {"name": "openrouter", "base_url": "https://openrouter.ai/api/v1", "api_key_env": "OPENROUTER_API_KEY",
///    "headers": {"HTTP-Referer": "https://example.com"}}
/// ]}
/// ```
/// `name` is the provider id the registry's models use (`ollama/llama3.1` is served by `ollama`);
/// `api_key_env` names the variable holding the key (`api_key` inline is accepted but discouraged);
/// `requires_key` defaults to true when a key variable is named, false otherwise (local servers).
enum CustomProvidersFile {
    private struct File: Decodable {
        var providers: [Entry]
    }

    private struct Entry: Decodable {
        var name: String?
        var base_url: String?
        var api_key_env: String?
        var api_key: String?
        var headers: [String: String]?
        var requires_key: Bool?
    }

    static func load(path: String, environment: [String: String],
                     timeouts: UpstreamTimeouts) throws -> [ProviderEndpoint] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ProviderConfigurationError.unreadableFile(path: path, reason: "cannot be read")
        }
        return try parse(data, path: path, environment: environment, timeouts: timeouts)
    }

    static func parse(_ data: Data, path: String, environment: [String: String],
                      timeouts: UpstreamTimeouts) throws -> [ProviderEndpoint] {
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: data) } catch {
            throw ProviderConfigurationError.unreadableFile(
                path: path, reason: "is not {\"providers\": [...]} JSON (\(error.localizedDescription))")
        }
        let builtIn: Set<String> = ["openai", "anthropic", "google", "perplexity", "morph", "vercel-ai-gateway"]
        var seen = Set<String>()
        return try file.providers.enumerated().map { index, entry in
            func bad(_ field: String, _ reason: String) -> ProviderConfigurationError {
                .invalidEntry(path: path, index: index, field: field, reason: reason)
            }
            guard let rawName = entry.name?.lowercased(), !rawName.isEmpty,
                  rawName.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
                throw bad("name", "is required (letters, digits, - _ .)")
            }
            guard !builtIn.contains(rawName) else { throw bad("name", "\(rawName) is a built-in provider") }
            guard seen.insert(rawName).inserted else { throw bad("name", "\(rawName) appears twice") }
            guard let base = entry.base_url, base.hasPrefix("http://") || base.hasPrefix("https://") else {
                throw bad("base_url", "is required and must be an http(s) URL")
            }
            var key = entry.api_key
            if let variable = entry.api_key_env {
                guard !variable.isEmpty else { throw bad("api_key_env", "must name a variable") }
                key = environment[variable] ?? key
            }
            var headers: [HTTPHeader] = []
            for (name, value) in (entry.headers ?? [:]).sorted(by: { $0.key < $1.key }) {
                guard !name.isEmpty, !name.utf8.contains(where: { $0 == 10 || $0 == 13 || $0 == 58 }),
                      !value.utf8.contains(where: { $0 == 10 || $0 == 13 }) else {
                    throw bad("headers", "has an invalid header \(name)")
                }
                headers.append(HTTPHeader(name, value))
            }
            return ProviderEndpoint(name: rawName, api: .openAICompatible, baseURL: base, apiKey: key,
                                    extraHeaders: headers,
                                    requiresKey: entry.requires_key ?? (entry.api_key_env != nil || entry.api_key != nil),
                                    timeouts: timeouts)
        }
    }
}
