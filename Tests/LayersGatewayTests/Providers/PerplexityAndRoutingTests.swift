import Foundation
import XCTest
import LayersCore
import LayersCredits
import LayersModels
@testable import LayersGateway

final class PerplexityAndRoutingTests: XCTestCase {
    let answer = "Hello from the fake provider."
    let reasoning = "Let me think about this step by step."

    func testPerplexityRequestDropsToolsAndKeepsSearchOptions() async throws {
        let kit = try ProviderTestKit()
        let model = try ProviderTestKit.model("perplexity/sonar-pro")
        let request = try ProviderTestKit.request("""
        {"model":"perplexity/sonar-pro","max_completion_tokens":300,"search_recency_filter":"week",
         "web_search_options":{"search_context_size":"high"},"search_domains":["example.com"],
         "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],"tool_choice":"auto",
         "messages":[{"role":"system","content":"s"},{"role":"user","content":"a"},{"role":"user","content":"b"}]}
        """)
        let result = try await kit.provider(.perplexity).complete(request, model: model)
        let sent = try await kit.lastBody()
        XCTAssertEqual(sent["model"], "sonar-pro")
        XCTAssertNil(sent["tools"])
        XCTAssertNil(sent["tool_choice"])
        XCTAssertEqual(sent["max_tokens"], 300)
        XCTAssertNil(sent["max_completion_tokens"])
        XCTAssertEqual(sent["search_recency_filter"], "week")
        XCTAssertEqual(sent["search_domain_filter"], ["example.com"])
        XCTAssertEqual(sent["messages"]?.arrayValue?.count, 2, "consecutive user turns merged (roles alternate)")
        XCTAssertEqual(result.body["citations"]?.arrayValue?.count, 2)
        XCTAssertEqual(result.body["search_results"]?[0]?["url"], "https://example.com/a")
        XCTAssertEqual(result.usage.searchContextSize, .high)
        XCTAssertEqual(result.usage.webSearchRequests, 1)
        XCTAssertEqual(result.body["usage"]?["citation_tokens"], 5, "Perplexity's extra usage members are kept")
        XCTAssertNotNil(result.body["usage"]?["prompt_tokens_details"])
        Samples.save(result.body, name: "perplexity")
    }

    func testReasoningThinkTagsBecomeReasoningContent() async throws {
        let kit = try ProviderTestKit()
        let model = try ProviderTestKit.model("perplexity/sonar-reasoning-pro")
        let request = try ProviderTestKit.request(
            #"{"model":"perplexity/sonar-reasoning-pro","messages":[{"role":"user","content":"why?"}]}"#)
        let result = try await kit.provider(.perplexity).complete(request, model: model)
        let message = try XCTUnwrap(result.body["choices"]?[0]?["message"])
        XCTAssertEqual(message["content"]?.stringValue, answer)
        XCTAssertEqual(message["reasoning_content"]?.stringValue, reasoning)
        XCTAssertEqual(result.usage.reasoningTokens, 20)
        XCTAssertEqual(result.usage.completionTokens, 28)
        Samples.save(result.body, name: "perplexity-reasoning")

        var streamed = request
        streamed.json["stream"] = true
        let stream = try await kit.provider(.perplexity).stream(streamed, model: model)
        let chunks = try await ProviderTestKit.collect(stream, sample: "perplexity-reasoning-stream")
        let folded = FoldedStream(chunks)
        XCTAssertEqual(folded.reasoning, reasoning, "tags cut across chunks are still found")
        XCTAssertEqual(folded.content, answer)
        XCTAssertFalse(folded.content.contains("<"))
        let streamedBody = try await kit.lastBody()
        XCTAssertNil(streamedBody["stream_options"], "Perplexity always reports usage")
        XCTAssertEqual(stream.usage.reasoningTokens, 20)
        XCTAssertNotNil(chunks.first?["citations"])

        var raw = request
        raw.json["reasoning_format"] = "raw"
        let rawResult = try await kit.provider(.perplexity).complete(raw, model: model)
        XCTAssertTrue(rawResult.body["choices"]?[0]?["message"]?["content"]?.stringValue?.hasPrefix("<think>") ?? false)
        let rawBody = try await kit.lastBody()
        XCTAssertNil(rawBody["reasoning_format"])
    }

    func testThinkTagSplitterHandlesEveryCut() {
        let text = "<think>abc</think>\n\nanswer"
        for cut in 0...text.count {
            var splitter = ThinkTagSplitter()
            let a = splitter.feed(String(text.prefix(cut)))
            let b = splitter.feed(String(text.dropFirst(cut)))
            let c = splitter.flush()
            XCTAssertEqual(a.reasoning + b.reasoning + c.reasoning, "abc", "cut at \(cut)")
            XCTAssertEqual(a.content + b.content + c.content, "answer", "cut at \(cut)")
        }
        XCTAssertEqual(ThinkTagSplitter.split("no tags <think>x</think>").content, "no tags <think>x</think>")
        XCTAssertNil(ThinkTagSplitter.split("plain").reasoning)
    }

    func testGatewayServesModelsWhoseProviderHasNoKey() async throws {
        let kit = try ProviderTestKit()
        var config = ProviderConfiguration()
        config.gateway = kit.endpoint(.vercelGateway)
        config.endpoints["openai"] = ProviderEndpoint(name: "openai", api: .openAI, baseURL: kit.server.base + "/openai/v1",
                                                      apiKey: nil)
        let router = ProviderRouter(configuration: config, registry: .builtIn, http: ProviderTestKit.http)
        let model = try ProviderTestKit.model("anthropic/claude-sonnet-4.5")
        let provider = try router.provider(for: model)
        XCTAssertEqual(provider.name, "vercel-ai-gateway")
        let request = try ProviderTestKit.request(
            #"{"model":"anthropic/claude-sonnet-4.5","stream":true,"messages":[{"role":"user","content":"hi"}]}"#)
        let folded = FoldedStream(try await ProviderTestKit.collect(try await provider.stream(request, model: model)))
        XCTAssertEqual(folded.content, answer)
        let sent = try await kit.lastBody()
        XCTAssertEqual(sent["model"], "anthropic/claude-sonnet-4.5", "the gateway gets provider/model")
    }

    func testRouterPrefersOwnProviderAndReportsNotConfigured() throws {
        var config = ProviderConfiguration()
        config.endpoints["anthropic"] = ProviderEndpoint(name: "anthropic", api: .anthropic,
                                                         baseURL: "http://127.0.0.1:9", apiKey: "k")
        let router = ProviderRouter(configuration: config, registry: .builtIn, http: ProviderTestKit.http)
        XCTAssertEqual(try router.provider(for: try ProviderTestKit.model("anthropic/claude-sonnet-4.5")).name, "anthropic")
        let gemini = try ProviderTestKit.model("google/gemini-2.5-flash")
        XCTAssertThrowsError(try router.provider(for: gemini)) { error in
            XCTAssertEqual(error as? LayersError,
                           .providerNotConfigured(provider: "google", model: "google/gemini-2.5-flash"))
            XCTAssertEqual((error as? LayersError)?.status, 503)
        }
        XCTAssertFalse(router.isAvailable(gemini))
    }

    func testConfigurationFromEnvironment() throws {
        let config = try ProviderConfiguration.fromEnvironment([
            "OPENAI_API_KEY": "sk-test-secret-0001", "ANTHROPIC_BASE_URL": "http://127.0.0.1:1234/",
            "GOOGLE_API_KEY": "AIza-test", "LAYERS_UPSTREAM_IDLE_TIMEOUT_MS": "1500",
        ])
        XCTAssertEqual(config.endpoint(for: "openai")?.baseURL, "https://api.openai.com/v1")
        XCTAssertEqual(config.endpoint(for: "openai")?.isConfigured, true)
        XCTAssertEqual(config.endpoint(for: "anthropic")?.baseURL, "http://127.0.0.1:1234")
        XCTAssertEqual(config.endpoint(for: "anthropic")?.isConfigured, false)
        XCTAssertEqual(config.endpoint(for: "google")?.apiKey, "AIza-test")
        XCTAssertEqual(config.endpoint(for: "google")?.baseURL, "https://generativelanguage.googleapis.com")
        XCTAssertEqual(config.endpoint(for: "perplexity")?.baseURL, "https://api.perplexity.ai")
        XCTAssertEqual(config.endpoint(for: "morph")?.baseURL, "https://api.morphllm.com/v1")
        XCTAssertNil(config.gateway)
        XCTAssertEqual(config.timeouts.idle, .milliseconds(1500))
        XCTAssertFalse("\(config.endpoint(for: "openai")!)".contains("sk-test-secret"))

        let gateway = try ProviderConfiguration.fromEnvironment(["AI_GATEWAY_API_KEY": "vck_x"])
        XCTAssertEqual(gateway.gateway?.baseURL, "https://ai-gateway.vercel.sh/v1")

        XCTAssertThrowsError(try ProviderConfiguration.fromEnvironment(["OPENAI_BASE_URL": "ftp://x"]))
        XCTAssertThrowsError(try ProviderConfiguration.fromEnvironment(["LAYERS_UPSTREAM_TOTAL_TIMEOUT_MS": "soon"]))
    }

    func testCustomProvidersFile() throws {
        let path = NSTemporaryDirectory() + "providers-\(UUID().uuidString).json"
        try Data("""
        {"providers":[{"name":"ollama","base_url":"http://127.0.0.1:11434/v1/"},
                      {"name":"openrouter","base_url":"https://openrouter.ai/api/v1","api_key_env":"OR_KEY",
                       "headers":{"HTTP-Referer":"https://example.com"}}]}
        """.utf8).write(to: URL(fileURLWithPath: path))
        let config = try ProviderConfiguration.fromEnvironment(["LAYERS_PROVIDERS_FILE": path])
        let ollama = try XCTUnwrap(config.endpoint(for: "ollama"))
        XCTAssertEqual(ollama.baseURL, "http://127.0.0.1:11434/v1")
        XCTAssertTrue(ollama.isConfigured, "a keyless local server is usable")
        XCTAssertEqual(config.endpoint(for: "openrouter")?.isConfigured, false, "its key variable is unset")
        let keyed = try ProviderConfiguration.fromEnvironment(["LAYERS_PROVIDERS_FILE": path, "OR_KEY": "sk-or"])
        XCTAssertEqual(keyed.endpoint(for: "openrouter")?.apiKey, "sk-or")
        XCTAssertEqual(keyed.endpoint(for: "openrouter")?.extraHeaders, [HTTPHeader("HTTP-Referer", "https://example.com")])

        let model = ModelInfo(id: "ollama/llama3.1", displayName: "Llama", capabilities: [.text],
                              contextWindow: 8192, maxOutputTokens: 2048,
                              pricing: ModelPricing(usdPerMillionInput: "0", output: "0"), released: "2024-07")
        let router = ProviderRouter(configuration: config, registry: .builtIn, http: ProviderTestKit.http)
        XCTAssertEqual(try router.provider(for: model).name, "ollama")

        try Data(#"{"providers":[{"name":"x"}]}"#.utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try ProviderConfiguration.fromEnvironment(["LAYERS_PROVIDERS_FILE": path])) { error in
            XCTAssertTrue("\(error)".contains("providers[0].base_url"), "\(error)")
        }
        try Data(#"{"providers":[{"name":"openai","base_url":"http://x"}]}"#.utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try ProviderConfiguration.fromEnvironment(["LAYERS_PROVIDERS_FILE": path]))
        XCTAssertThrowsError(try ProviderConfiguration.fromEnvironment(["LAYERS_PROVIDERS_FILE": path + ".missing"]))
    }

    func testCustomProviderThroughFake() async throws {
        let kit = try ProviderTestKit()
        let endpoint = ProviderEndpoint(name: "custom", api: .openAICompatible, baseURL: kit.server.base + "/custom/v1",
                                        apiKey: nil, extraHeaders: [HTTPHeader("x-test-tag", kit.tag)], requiresKey: false)
        let provider = OpenAICompatibleProvider(endpoint: endpoint, http: ProviderTestKit.http)
        let model = ModelInfo(id: "custom/qwen", displayName: "Qwen", capabilities: [.text], contextWindow: 8192,
                              maxOutputTokens: 1024, pricing: ModelPricing(usdPerMillionInput: "0", output: "0"),
                              released: "2025-01")
        let request = try ProviderTestKit.request(#"{"model":"custom/qwen","messages":[{"role":"user","content":"hi"}]}"#)
        let result = try await provider.complete(request, model: model)
        XCTAssertEqual(result.body["model"], "custom/qwen")
        let headers = try await kit.lastHeaders()
        XCTAssertNil(headers["authorization"], "no key, no Authorization header")
    }
}
