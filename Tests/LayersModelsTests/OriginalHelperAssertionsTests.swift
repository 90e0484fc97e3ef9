import XCTest
import LayersCredits
@testable import LayersModels

/// The remaining assertions of the original's `__tests__/models/helpers.test.ts` (the counts and
/// filter results are in `ModelRegistryTests`), each run on the original 23 models and, where it
/// still holds, on the whole registry. The original priced per 1K tokens: $0.001/1K = $1/1M.
final class OriginalHelperAssertionsTests: XCTestCase {
    private let registry = ModelRegistry.builtIn
    private lazy var originals = registry.filter(ModelFilter(original: true))
    private lazy var scopes: [(name: String, models: [ModelInfo])] = [("originals", originals), ("all", registry.all)]

    func testGetModelAndCapabilities() throws {
        let sonnet = try XCTUnwrap(registry.model(id: "anthropic/claude-sonnet-4.5"))
        XCTAssertEqual(sonnet.displayName, "Claude 4.5 Sonnet")
        XCTAssertEqual(sonnet.provider, .anthropic)
        XCTAssertTrue(try XCTUnwrap(registry.model(id: "openai/gpt-4o")).has([.text, .vision, .tools]))
        XCTAssertEqual(registry.model(id: "anthropic/claude-haiku-4.5")?.displayName, "Claude 4.5 Haiku")
        for id in ["anthropic/claude-sonnet-4.5", "openai/gpt-4o", "google/gemini-2.5-flash", "perplexity/sonar",
                   "morph/morph-v3-fast"] {
            XCTAssertNotNil(registry.model(id: id), id)
        }
    }

    func testCapabilityQueries() {
        for (scope, models) in scopes {
            let text = models.filter { $0.has(.text) }
            XCTAssertGreaterThan(text.count, 10, scope)
            XCTAssertGreaterThan(models.filter { $0.has(.vision) }.count, 5, scope)
            let thinking = models.filter { $0.has(.thinking) }
            XCTAssertGreaterThan(thinking.count, 3, scope)
            XCTAssertTrue(thinking.contains { $0.provider == .anthropic }, scope)
            XCTAssertTrue(thinking.contains { $0.provider == .openai }, scope)
            XCTAssertGreaterThan(models.filter { $0.has([.text, .vision]) }.count, 5, scope)
            XCTAssertGreaterThan(models.filter { $0.has([.text, .tools, .json]) }.count, 3, scope)
            let thinkingOrWeb = ModelFilter(anyOf: [.thinking, .web])
            XCTAssertGreaterThan(models.filter(thinkingOrWeb.matches).count, 5, scope)
            XCTAssertTrue(models.filter(thinkingOrWeb.matches).allSatisfy { $0.has(.thinking) || $0.has(.web) }, scope)
            let any = models.filter(ModelFilter(anyOf: [.vision, .tools]).matches)
            let all = models.filter(ModelFilter(allOf: [.vision, .tools]).matches)
            XCTAssertGreaterThan(any.count, all.count, scope)
            XCTAssertGreaterThan(all.count, 3, scope)
            XCTAssertTrue(all.allSatisfy { $0.has([.vision, .tools]) }, scope)
            XCTAssertTrue(models.filter(ModelFilter(allOf: [.web, .cache]).matches).isEmpty, scope)
        }
        // getModelsWithCapability('web'): the three Sonars, all Perplexity.
        let web = originals.filter { $0.has(.web) }
        XCTAssertEqual(web.count, 3)
        XCTAssertTrue(web.allSatisfy { $0.provider == .perplexity })
        XCTAssertTrue(registry.filter(ModelFilter(allOf: [.web])).allSatisfy { $0.provider == .perplexity })
    }

    func testProvidersAndCapabilityVocabulary() {
        XCTAssertEqual(Set(originals.map(\.provider)), [.anthropic, .openai, .google, .perplexity, .morph])
        let used = Set(registry.all.flatMap(\.capabilities))
        let listed: Set<Capability> = [.text, .vision, .tools, .json, .stream, .cache, .thinking, .web, .imageGen,
                                       .audioIn, .videoIn, .pdf]
        XCTAssertTrue(listed.isSubset(of: used))
        XCTAssertEqual(used, Set(Capability.allCases), "every capability is used by some model (embed too)")
    }

    func testFilterByPriceAndContext() {
        for (scope, models) in scopes {
            let cheap = models.filter(ModelFilter(maxInputPrice: TokenPrice(usdPerMillion: "1")).matches)
            XCTAssertGreaterThan(cheap.count, 3, scope)
            XCTAssertTrue(cheap.allSatisfy { $0.pricing.input <= TokenPrice(usdPerMillion: "1") }, scope)
            let long = models.filter(ModelFilter(minContextWindow: 500_000).matches)
            XCTAssertGreaterThan(long.count, 3, scope)
            XCTAssertTrue(long.allSatisfy { $0.contextWindow >= 500_000 }, scope)
        }
    }

    /// calculateCost: Haiku 1K in + 1K out = $0.006, linear in tokens, $0.001 with no output.
    func testCalculateCost() throws {
        let haiku = try XCTUnwrap(registry.model(id: "anthropic/claude-haiku-4.5")).pricing
        func cost(_ input: Int, _ output: Int) -> Picodollars {
            CreditCalculator.cost(usage: TokenUsage(promptTokens: input, completionTokens: output), pricing: haiku).baseCost
        }
        XCTAssertEqual(cost(1_000, 1_000), Picodollars(usd: "0.006"))
        XCTAssertEqual(cost(2_000, 2_000), cost(1_000, 1_000).multiplied(by: 2))
        XCTAssertEqual(cost(1_000, 0), Picodollars(usd: "0.001"))
    }

    /// getCheapestModel(['text']) costs under $0.002/1K (input + output); ['vision'] has vision.
    func testCheapest() throws {
        let text = try XCTUnwrap(registry.cheapest(with: [.text]))
        XCTAssertLessThan(text.pricing.comparablePrice, TokenPrice(usdPerMillion: "2").microUSDPerMillion)
        XCTAssertTrue(try XCTUnwrap(registry.cheapest(with: [.vision])).has(.vision))
        XCTAssertNil(registry.cheapest(with: [.web, .cache]))
    }

    /// getLargestContextModel(): at least 1M; for Anthropic exactly 200K among the originals (the
    /// newer Claude 4.6 models have 1M); nothing for an unknown provider.
    func testLargestContext() throws {
        func largest(_ models: [ModelInfo]) -> ModelInfo? { ModelRegistry.sort(models, by: .context).first }
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(largest(originals)).contextWindow, 1_000_000)
        let anthropic = try XCTUnwrap(largest(originals.filter { $0.provider == .anthropic }))
        XCTAssertEqual(anthropic.provider, .anthropic)
        XCTAssertEqual(anthropic.contextWindow, 200_000)
        XCTAssertEqual(largest(registry.filter(ModelFilter(provider: .anthropic)))?.contextWindow, 1_000_000)
        XCTAssertNil(largest(registry.filter(ModelFilter(provider: ProviderID("invalid")))))
    }

    /// sortModels: price ascending and descending (input + output), context ascending, name, and
    /// the input is never mutated.
    func testSortOrdersOverTheOriginals() {
        let ascending = ModelRegistry.sort(originals, by: .price)
        for (a, b) in zip(ascending, ascending.dropFirst()) {
            XCTAssertLessThanOrEqual(a.pricing.comparablePrice, b.pricing.comparablePrice)
        }
        let descending = ModelRegistry.sort(originals, by: .price, reversed: true)
        for (a, b) in zip(descending, descending.dropFirst()) {
            XCTAssertGreaterThanOrEqual(a.pricing.comparablePrice, b.pricing.comparablePrice)
        }
        let contextAscending = ModelRegistry.sort(originals, by: .context, reversed: true)
        for (a, b) in zip(contextAscending, contextAscending.dropFirst()) {
            XCTAssertLessThanOrEqual(a.contextWindow, b.contextWindow)
        }
        let byName = ModelRegistry.sort(originals, by: .name)
        for (a, b) in zip(byName, byName.dropFirst()) {
            XCTAssertNotEqual(a.displayName.lowercased().compare(b.displayName.lowercased()), .orderedDescending)
        }
        XCTAssertEqual(originals.first?.id, "anthropic/claude-haiku-4.5", "sorting returns a copy")
        XCTAssertEqual(Set(ascending.map(\.id)), Set(originals.map(\.id)))
    }
}
