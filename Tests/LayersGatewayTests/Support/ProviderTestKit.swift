import Foundation
import XCTest
import LayersCore
import LayersModels
@testable import LayersGateway

/// Builds adapters pointed at the Python fakes, each test with its own tag header so it can read back exactly
/// the requests it sent (`recorded()`), and a scenario header to pick the fake's behaviour.
struct ProviderTestKit {
    static let http = UpstreamHTTPClient()
    let server: FakeProviderServer
    let tag = UUID().uuidString

    init() throws { server = try FakeProviderServer.require() }

    func endpoint(_ api: ProviderAPI, scenario: String? = nil, key: String? = "test-key-123",
                  timeouts: UpstreamTimeouts = .default) -> ProviderEndpoint {
        let (name, path): (String, String)
        switch api {
        case .openAI: (name, path) = ("openai", "/openai/v1")
        case .perplexity: (name, path) = ("perplexity", "/perplexity")
        case .anthropic: (name, path) = ("anthropic", "/anthropic")
        case .gemini: (name, path) = ("google", "/gemini")
        case .vercelGateway: (name, path) = ("vercel-ai-gateway", "/gateway/v1")
        case .openAICompatible: (name, path) = ("morph", "/morph/v1")
        }
        var headers = [HTTPHeader("x-test-tag", tag)]
        if let scenario { headers.append(HTTPHeader("x-fake-scenario", scenario)) }
        return ProviderEndpoint(name: name, api: api, baseURL: server.base + path, apiKey: key,
                                extraHeaders: headers, timeouts: timeouts)
    }

    func provider(_ api: ProviderAPI, scenario: String? = nil, key: String? = "test-key-123",
                  timeouts: UpstreamTimeouts = .default) -> any ChatProvider {
        let endpoint = endpoint(api, scenario: scenario, key: key, timeouts: timeouts)
        switch api {
        case .anthropic: return AnthropicProvider(endpoint: endpoint, http: Self.http)
        case .gemini: return GeminiProvider(endpoint: endpoint, http: Self.http)
        case .vercelGateway: return OpenAICompatibleProvider(endpoint: endpoint, http: Self.http, useFullModelID: true)
        default: return OpenAICompatibleProvider(endpoint: endpoint, http: Self.http)
        }
    }

    /// The requests this test sent to the fakes, oldest first.
    func recorded() async throws -> [JSONObject] {
        let response = try await Self.http.request(UpstreamRequest(method: "GET", url: server.base + "/_fake/requests"))
        let all = try JSONValue.parse(response.body).arrayValue ?? []
        return all.compactMap(\.objectValue).filter { $0["headers"]?["x-test-tag"]?.stringValue == tag }
    }

    /// The JSON body of the last request this test sent.
    func lastBody() async throws -> JSONObject {
        let last = try await recorded().last
        return try XCTUnwrap(last?["body"]?.objectValue)
    }

    func lastHeaders() async throws -> JSONObject {
        let last = try await recorded().last
        return try XCTUnwrap(last?["headers"]?.objectValue)
    }

    static func model(_ id: String) throws -> ModelInfo {
        try XCTUnwrap(ModelRegistry.builtIn.model(id: id), "registry has no \(id)")
    }

    static func request(_ json: String) throws -> ChatCompletionRequest {
        try ChatCompletionRequest.parse(Array(json.utf8))
    }

    /// Runs a stream to the end, saving every chunk as a schema sample.
    static func collect(_ stream: ChatCompletionStream, sample: String? = nil) async throws -> [JSONObject] {
        var chunks: [JSONObject] = []
        for try await chunk in stream { chunks.append(chunk) }
        if let sample { Samples.save(chunks, kind: "chunks", name: sample) }
        return chunks
    }
}

/// A streamed answer folded back into one message (what an SDK's accumulator does).
struct FoldedStream {
    var role: String?
    var content = ""
    var reasoning = ""
    var toolCalls: [Int: (id: String, name: String, arguments: String)] = [:]
    var thinkingBlocks: [JSONValue] = []
    var finishReason: String?
    var usage: JSONObject?

    init(_ chunks: [JSONObject]) {
        for chunk in chunks {
            if case .object(let u)? = chunk["usage"] { usage = u }
            for choice in chunk["choices"]?.arrayValue ?? [] {
                if let reason = choice["finish_reason"]?.stringValue { finishReason = reason }
                guard let delta = choice["delta"] else { continue }
                if let r = delta["role"]?.stringValue { role = r }
                content += delta["content"]?.stringValue ?? ""
                reasoning += delta["reasoning_content"]?.stringValue ?? ""
                thinkingBlocks += delta["thinking_blocks"]?.arrayValue ?? []
                for call in delta["tool_calls"]?.arrayValue ?? [] {
                    let index = call["index"]?.intValue ?? 0
                    var entry = toolCalls[index] ?? ("", "", "")
                    if let id = call["id"]?.stringValue { entry.id = id }
                    if let name = call["function"]?["name"]?.stringValue { entry.name = name }
                    entry.arguments += call["function"]?["arguments"]?.stringValue ?? ""
                    toolCalls[index] = entry
                }
            }
        }
    }
}

/// Writes every response and chunk the adapters produce to a folder that
/// Tests/python/providers/test_openai_schema.py validates against OpenAI's schemas.
enum Samples {
    static let directory: String = ProcessInfo.processInfo.environment["LAYERS_PROVIDER_SAMPLES"]
        ?? (NSTemporaryDirectory() + "layers-provider-samples")

    static func save(_ response: JSONObject, name: String) {
        write(JSONValue.object(response).serializedBytes(), file: "response-\(name).json")
    }

    static func save(_ chunks: [JSONObject], kind: String, name: String) {
        write(JSONValue.array(chunks.map(JSONValue.object)).serializedBytes(), file: "\(kind)-\(name).json")
    }

    private static func write(_ bytes: [UInt8], file: String) {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: directory + "/" + file, contents: Data(bytes))
    }
}
