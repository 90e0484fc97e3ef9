import XCTest
import LayersCredits
@testable import LayersModels

final class ModelQueryTests: XCTestCase {
    private let registry = ModelRegistry.builtIn

    func testLookupByIdAliasAndUpstreamName() {
        XCTAssertEqual(registry.model(id: "anthropic/claude-sonnet-4.5")?.displayName, "Claude 4.5 Sonnet")
        XCTAssertEqual(registry.model(id: "Anthropic/Claude-Sonnet-4.5")?.id, "anthropic/claude-sonnet-4.5")
        XCTAssertEqual(registry.model(id: " openai/gpt-4o ")?.id, "openai/gpt-4o")
        XCTAssertEqual(registry.model(id: "anthropic/claude-sonnet-4-5")?.id, "anthropic/claude-sonnet-4.5",
                       "provider/upstreamName")
        XCTAssertEqual(registry.model(id: "claude-sonnet-4-5")?.id, "anthropic/claude-sonnet-4.5", "bare upstream name")
        XCTAssertEqual(registry.model(id: "gpt-4o")?.id, "openai/gpt-4o", "bare model name")
        XCTAssertEqual(registry.model(id: "gemini-3-flash-preview")?.id, "google/gemini-3-flash")
        XCTAssertEqual(registry.model(id: "recraftv3")?.id, "recraft/recraft-v3")
        XCTAssertEqual(registry["sonar"]?.id, "perplexity/sonar")
        XCTAssertEqual(registry.model(id: "openai/gpt-5.1-instant")?.upstreamName, "gpt-5.1-chat-latest")
        XCTAssertEqual(registry.model(id: "openai/gpt-5.1-thinking")?.upstreamName, "gpt-5.1")
        XCTAssertEqual(registry.model(id: "anthropic/claude-opus-4.6")?.upstreamName, "claude-opus-4-6")
        for unknown in ["", "invalid", "openai/gpt-3", "anthropic/claude-1", "invalid/model", "not-a-model"] {
            XCTAssertNil(registry.model(id: unknown), unknown)
        }
    }

    /// Clients often send a dated snapshot name (Anthropic's and OpenAI's SDK examples do): it resolves
    /// to the model priced the same, with or without the provider prefix, and is never sent upstream.
    func testDatedSnapshotAliases() {
        let expected = [
            "anthropic/claude-haiku-4-5-20251001": "anthropic/claude-haiku-4.5",
            "anthropic/claude-sonnet-4-5-20250929": "anthropic/claude-sonnet-4.5",
            "anthropic/claude-opus-4-5-20251101": "anthropic/claude-opus-4.5",
            "anthropic/claude-opus-4-1-20250805": "anthropic/claude-opus-4.1",
            "anthropic/claude-opus-4-20250514": "anthropic/claude-opus-4",
            "openai/gpt-4o-2024-08-06": "openai/gpt-4o", "openai/gpt-4o-2024-11-20": "openai/gpt-4o",
            "openai/gpt-4o-mini-2024-07-18": "openai/gpt-4o-mini",
            "openai/gpt-5-2025-08-07": "openai/gpt-5", "openai/gpt-5-mini-2025-08-07": "openai/gpt-5-mini",
            "openai/gpt-5-nano-2025-08-07": "openai/gpt-5-nano", "openai/gpt-5-pro-2025-10-06": "openai/gpt-5-pro",
            "openai/o1-2024-12-17": "openai/o1", "openai/o3-2025-04-16": "openai/o3",
            "openai/o3-mini-2025-01-31": "openai/o3-mini", "openai/o4-mini-2025-04-16": "openai/o4-mini",
            "openai/o3-pro-2025-06-10": "openai/o3-pro",
        ]
        XCTAssertEqual(registry.all.flatMap(\.aliases).count, expected.count, "every built-in alias is checked here")
        for (alias, id) in expected {
            XCTAssertEqual(registry.model(id: alias)?.id, id, alias)
            XCTAssertEqual(registry.model(id: alias.uppercased())?.id, id, alias)
            XCTAssertEqual(registry.model(id: ModelInfo.modelPart(of: alias))?.id, id, "bare \(alias)")
        }
        XCTAssertEqual(registry.model(id: "claude-sonnet-4-5-20250929")?.upstreamName, "claude-sonnet-4-5")
        // The older gpt-4o snapshot is priced differently ($5 / $15) and is not an alias.
        XCTAssertNil(registry.model(id: "openai/gpt-4o-2024-05-13"))
        XCTAssertEqual(registry.suggestions(for: "openai/gpt-4o-2024-05-13").first, "openai/gpt-4o")
    }

    func testSortByPrice() {
        let sorted = registry.sorted(by: .price)
        let chat = sorted.prefix { $0.kind == .chat }
        XCTAssertEqual(chat.count, 38, "chat models first")
        for (a, b) in zip(chat, chat.dropFirst()) {
            XCTAssertLessThanOrEqual(a.pricing.comparablePrice, b.pricing.comparablePrice)
        }
        XCTAssertEqual(chat.first?.id, "openai/gpt-5-nano")
        XCTAssertEqual(chat.last?.id, "openai/gpt-5-pro")
        XCTAssertEqual(sorted.last?.kind, .embedding)
        let reversed = registry.sorted(by: .price, reversed: true)
        XCTAssertEqual(reversed.first?.kind, .embedding)
        XCTAssertEqual(reversed.last?.id, "openai/gpt-5-nano")
        // Sorting never mutates the registry.
        XCTAssertEqual(registry.all.first?.id, "anthropic/claude-haiku-4.5")
    }

    func testSortByContextReleasedAndName() {
        let byContext = registry.sorted(by: .context)
        for (a, b) in zip(byContext, byContext.dropFirst()) { XCTAssertGreaterThanOrEqual(a.contextWindow, b.contextWindow) }
        XCTAssertEqual(byContext.first?.id, "google/gemini-2.5-flash", "1,048,576 tokens; ties by id")
        let ascending = registry.sorted(by: .context, reversed: true)
        for (a, b) in zip(ascending, ascending.dropFirst()) { XCTAssertLessThanOrEqual(a.contextWindow, b.contextWindow) }
        let byRelease = registry.sorted(by: .released)
        for (a, b) in zip(byRelease, byRelease.dropFirst()) { XCTAssertGreaterThanOrEqual(a.released, b.released) }
        XCTAssertEqual(byRelease.last?.id, "openai/text-embedding-ada-002")
        let byName = registry.sorted(by: .name)
        for (a, b) in zip(byName, byName.dropFirst()) {
            XCTAssertLessThanOrEqual(a.displayName.lowercased(), b.displayName.lowercased())
        }
    }

    func testCheapest() {
        XCTAssertEqual(registry.cheapest(with: [.text])?.id, "openai/gpt-5-nano")
        XCTAssertEqual(registry.cheapest(with: [.vision])?.id, "openai/gpt-5-nano")
        XCTAssertEqual(registry.cheapest(with: [.vision, .pdf])?.id, "google/gemini-2.5-flash-lite")
        XCTAssertEqual(registry.cheapest(with: [.cache])?.id, "anthropic/claude-haiku-4.5")
        XCTAssertEqual(registry.cheapest(with: [.web])?.id, "perplexity/sonar")
        XCTAssertEqual(registry.cheapest(with: [.imageGen])?.id, "google/gemini-2.5-flash-image")
        XCTAssertEqual(registry.cheapest(with: [.imageGen], kind: .image)?.id, "bfl/flux-2-klein-4b")
        XCTAssertEqual(registry.cheapest(with: [.embed], kind: .embedding)?.id, "openai/text-embedding-3-small",
                       "deprecated text-embedding-004 is skipped")
        XCTAssertNil(registry.cheapest(with: [.web, .cache]))
        XCTAssertNil(registry.cheapest(with: [.embed]), "no chat model embeds")
    }

    func testSuggestionsForUnknownIds() {
        XCTAssertEqual(registry.suggestions(for: "anthropic/claude-sonet-4.5").first, "anthropic/claude-sonnet-4.5")
        XCTAssertEqual(registry.suggestions(for: "gpt4o").first, "openai/gpt-4o")
        XCTAssertEqual(registry.suggestions(for: "openai/gpt-4.o-mini").first, "openai/gpt-4o-mini")
        XCTAssertEqual(registry.suggestions(for: "gemini-2.5-flsh").first, "google/gemini-2.5-flash")
        XCTAssertEqual(registry.suggestions(for: "perplexity/sonar-prod").first, "perplexity/sonar-pro")
        let sonnet = registry.suggestions(for: "sonnet", limit: 5)
        XCTAssertTrue(sonnet.contains("anthropic/claude-sonnet-4.5"), "\(sonnet)")
        XCTAssertTrue(sonnet.contains("anthropic/claude-sonnet-4.6"), "\(sonnet)")
        XCTAssertEqual(registry.suggestions(for: "claude", limit: 2).count, 2)
        XCTAssertEqual(registry.suggestions(for: "gpt-5", limit: 1), ["openai/gpt-5"])
        XCTAssertEqual(registry.suggestions(for: "xyzzy-qqq-zzz"), [])
        XCTAssertEqual(registry.suggestions(for: ""), [])
        XCTAssertEqual(registry.suggestions(for: "gpt-4o", limit: 0), [])
        XCTAssertLessThanOrEqual(registry.suggestions(for: "gpt").count, 3, "default limit 3")
    }

    func testLevenshtein() {
        XCTAssertEqual(ModelSuggester.levenshtein("kitten", "sitting"), 3)
        XCTAssertEqual(ModelSuggester.levenshtein("", "abc"), 3)
        XCTAssertEqual(ModelSuggester.levenshtein("same", "same"), 0)
        XCTAssertEqual(ModelSuggester.sharedPrefixLength("claude-opus", "claude-sonnet"), 7)
    }

    func testCapabilityNames() {
        XCTAssertEqual(Capability(name: "audio-in"), .audioIn)
        XCTAssertEqual(Capability(name: "AUDIO_IN"), .audioIn)
        XCTAssertEqual(Capability(name: "imageGen"), .imageGen)
        XCTAssertEqual(Capability(name: "image-gen"), .imageGen)
        XCTAssertNil(Capability(name: "telepathy"))
        XCTAssertEqual(Capability.allCases.count, 13)
        XCTAssertEqual(ProviderID("OpenAI"), .openai)
    }
}

final class ModelRegistryConstructionTests: XCTestCase {
    private func model(_ id: String, input: String = "1", aliases: [String] = []) -> ModelInfo {
        ModelInfo(id: id, displayName: id, capabilities: [.text], contextWindow: 1_000, maxOutputTokens: 100,
                  pricing: ModelPricing(usdPerMillionInput: input, output: "1"), released: "2026-01", aliases: aliases)
    }

    func testDuplicatesReplaceAndBareNamesMustBeUnique() {
        let registry = ModelRegistry(models: [model("a/x"), model("b/x"), model("a/x", input: "2"), model("c/y")])
        XCTAssertEqual(registry.count, 3, "a later duplicate id replaces the earlier one")
        XCTAssertEqual(registry.model(id: "a/x")?.pricing.input, TokenPrice(usdPerMillion: "2"))
        XCTAssertNil(registry.model(id: "x"), "ambiguous bare name")
        XCTAssertEqual(registry.model(id: "y")?.id, "c/y")
        XCTAssertEqual(registry.all.map(\.id), ["a/x", "b/x", "c/y"])
    }

    func testAliasesNeverShadowIds() {
        let registry = ModelRegistry(models: [model("a/x", aliases: ["b/y"]), model("b/y")])
        XCTAssertEqual(registry.model(id: "b/y")?.id, "b/y")
    }

    func testModelInfoDefaultsAndHelpers() {
        let info = model("acme/thing-1")
        XCTAssertEqual(info.provider, ProviderID("acme"))
        XCTAssertEqual(info.upstreamName, "thing-1")
        XCTAssertEqual(info.modelName, "thing-1")
        XCTAssertEqual(info.effectiveMaxInputTokens, 1_000)
        XCTAssertTrue(info.has(.text))
        XCTAssertFalse(info.has([.text, .vision]))
        XCTAssertEqual(ModelRegistry.builtIn.model(id: "openai/gpt-5")?.effectiveMaxInputTokens, 272_000)
        let imageServers = ModelRegistry.builtIn.all.filter(\.generatesImages)
        XCTAssertEqual(imageServers.count, 26, "24 image models + 2 Gemini image chat models")
        XCTAssertTrue(imageServers.contains { $0.id == "google/gemini-2.5-flash-image" })
    }

    func testWholeRegistryFilterCounts() {
        let registry = ModelRegistry.builtIn
        XCTAssertEqual(registry.filter(ModelFilter(providers: [.anthropic, .openai])).count, 31)
        XCTAssertEqual(registry.filter(ModelFilter(providers: [.anthropic], allOf: [.vision],
                                                   maxInputPrice: TokenPrice(usdPerMillion: "3"))).map(\.id),
                       ["anthropic/claude-haiku-4.5", "anthropic/claude-sonnet-4.5", "anthropic/claude-sonnet-4.6"])
        XCTAssertEqual(registry.filter(ModelFilter(anyOf: [.audioIn, .videoIn])).count, 5)
        XCTAssertEqual(registry.filter(ModelFilter(allOf: [.audioIn, .videoIn])).count, 4)
        // 3 Claude + 4 OpenAI (codex x3, 5.1-thinking) + 5 Gemini + sonar-reasoning-pro.
        XCTAssertEqual(registry.filter(ModelFilter(allOf: [.thinking], original: true)).count, 13)
    }

    /// The gateway's pre-flight path with registry data: gpt-5-pro asked for 100,000 tokens is refused.
    func testEstimatorWithRegistryModels() throws {
        let pro = try XCTUnwrap(ModelRegistry.builtIn.model(id: "openai/gpt-5-pro"))
        let decision = CreditEstimator.standard.preflight(promptBytes: 400, maxOutputTokens: 100_000,
                                                          pricing: pro.pricing, defaultMaxOutputTokens: pro.maxOutputTokens)
        // 100 x $15 + 100,000 x $120 per 1M = $0.0015 + $12 = $12.0015 -> 1,920.24 credits.
        XCTAssertEqual(decision, .exceedsCap(estimate: MicroCredits(decimalString: "1920.24")!, cap: MicroCredits(credits: 100)))
        let haiku = try XCTUnwrap(ModelRegistry.builtIn.model(id: "anthropic/claude-haiku-4.5"))
        // 1,000 bytes = 250 tokens; no max_tokens: min(64,000, 4,096). 250 x $1 + 4,096 x $5 = $0.020730 -> 3.3168.
        let estimate = CreditEstimator.standard.estimate(promptBytes: 1_000, maxOutputTokens: nil, pricing: haiku.pricing,
                                                         defaultMaxOutputTokens: haiku.maxOutputTokens)
        XCTAssertEqual(estimate.decimalString, "3.3168")
    }
}
