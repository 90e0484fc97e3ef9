import XCTest
import LayersCredits
@testable import LayersModels

/// The original's assertions (layers-original.md section 6) run against the 23 models flagged
/// `original`; the rest check the full registry.
final class ModelRegistryTests: XCTestCase {
    private let registry = ModelRegistry.builtIn
    private let originals = ModelFilter(original: true)

    private func ids(_ filter: ModelFilter) -> Set<String> { Set(registry.filter(filter).map(\.id)) }

    func testOriginalCountsByProvider() {
        let models = registry.filter(originals)
        XCTAssertEqual(models.count, 23)
        let counts = Dictionary(grouping: models, by: \.provider).mapValues(\.count)
        XCTAssertEqual(counts, [.anthropic: 3, .openai: 8, .google: 7, .perplexity: 3, .morph: 2])
        XCTAssertTrue(models.allSatisfy { $0.kind == .chat })
    }

    func testFullRegistryCounts() {
        XCTAssertEqual(registry.count, 67)
        let counts = Dictionary(grouping: registry.all, by: \.provider).mapValues(\.count)
        XCTAssertEqual(counts, [.anthropic: 7, .openai: 24, .google: 12, .perplexity: 4, .morph: 2, .bfl: 10, .recraft: 8])
        XCTAssertEqual(registry.filter(ModelFilter(kind: .chat)).count, 38)
        XCTAssertEqual(registry.filter(ModelFilter(kind: .image)).count, 24)
        XCTAssertEqual(registry.filter(ModelFilter(kind: .embedding)).count, 5)
        XCTAssertEqual(registry.providers, [.anthropic, .bfl, .google, .morph, .openai, .perplexity, .recraft])
    }

    func testIdsAreWellFormedAndUnique() {
        var seen = Set<String>()
        for model in registry.all {
            XCTAssertTrue(model.id.hasPrefix(model.provider.rawValue + "/"), model.id)
            XCTAssertEqual(model.id, model.id.lowercased(), model.id)
            XCTAssertTrue(seen.insert(model.id).inserted, "duplicate \(model.id)")
            XCTAssertFalse(model.upstreamName.isEmpty, model.id)
            XCTAssertFalse(model.upstreamName.contains("/"), model.id)
            XCTAssertTrue(model.released.count == 7 && model.released.dropFirst(4).hasPrefix("-"), model.id)
        }
    }

    /// The original: web -> 3 (Perplexity), web + cache -> 0, any of [web, cache] -> 6 (3 + 3 Anthropic).
    func testOriginalCapabilityAssertions() {
        var web = originals; web.allOf = [.web]
        XCTAssertEqual(ids(web), ["perplexity/sonar", "perplexity/sonar-pro", "perplexity/sonar-reasoning-pro"])
        var webAndCache = originals; webAndCache.allOf = [.web, .cache]
        XCTAssertTrue(registry.filter(webAndCache).isEmpty)
        var webOrCache = originals; webOrCache.anyOf = [.web, .cache]
        XCTAssertEqual(registry.filter(webOrCache).count, 6)
        // Over the whole registry: + sonar-reasoning (web) and the four newer Claude models (cache).
        XCTAssertEqual(registry.filter(ModelFilter(allOf: [.web])).count, 4)
        XCTAssertEqual(registry.filter(ModelFilter(anyOf: [.web, .cache])).count, 11)
        XCTAssertNil(registry.cheapest(with: [.web, .cache]))
    }

    func testOriginalProviderAndPriceFilters() {
        var both = originals; both.providers = [.anthropic, .openai]
        XCTAssertEqual(registry.filter(both).count, 11)
        // Anthropic + vision + input <= $0.003/1K ($3/1M): Haiku and Sonnet, not Opus.
        var cheapVision = originals
        cheapVision.providers = [.anthropic]; cheapVision.allOf = [.vision]
        cheapVision.maxInputPrice = TokenPrice(usdPerMillion: "3")
        XCTAssertEqual(ids(cheapVision), ["anthropic/claude-haiku-4.5", "anthropic/claude-sonnet-4.5"])
        // minContextWindow 500K: the five long-context Gemini models.
        var longContext = originals; longContext.minContextWindow = 500_000
        XCTAssertEqual(registry.filter(longContext).count, 5)
        XCTAssertTrue(registry.filter(longContext).allSatisfy { $0.contextWindow >= 500_000 })
        // maxInputPrice $1/1M ($0.001/1K).
        var cheap = originals; cheap.maxInputPrice = TokenPrice(usdPerMillion: "1")
        XCTAssertEqual(registry.filter(cheap).count, 10)
        var cheapOut = originals; cheapOut.maxOutputPrice = TokenPrice(usdPerMillion: "1")
        XCTAssertEqual(ids(cheapOut), ["openai/gpt-4o-mini", "google/gemini-2.5-flash-lite", "perplexity/sonar"])
        // Single provider.
        XCTAssertEqual(registry.filter(ModelFilter(provider: .anthropic)).count, 7)
        // Deprecated models can be left out.
        XCTAssertEqual(registry.filter(ModelFilter(includeDeprecated: false)).count, 64)
    }

    func testCapabilityInvariants() {
        for model in registry.all {
            // `cache` means client-controlled caching with a write price (Anthropic's cache_control).
            if model.has(.cache) {
                XCTAssertNotNil(model.pricing.cacheWrite5m, model.id)
                XCTAssertNotNil(model.pricing.cachedRead, model.id)
            }
            switch model.kind {
            case .chat:
                XCTAssertGreaterThan(model.pricing.input, .zero, model.id)
                XCTAssertGreaterThan(model.pricing.output, .zero, model.id)
                XCTAssertNotNil(model.maxOutputTokens, model.id)
                XCTAssertGreaterThan(model.contextWindow, 0, model.id)
            case .image:
                XCTAssertTrue(model.has(.imageGen), model.id)
                let images = try? XCTUnwrap(model.pricing.images, model.id)
                XCTAssertGreaterThan(images?.price(size: nil, quality: nil) ?? .zero, .zero, model.id)
            case .embedding:
                XCTAssertEqual(model.capabilities, [.embed], model.id)
                XCTAssertEqual(model.pricing.output, .zero, model.id)
            }
            if model.has(.imageGen) { XCTAssertNotNil(model.pricing.images, model.id) }
            if model.provider == .perplexity { XCTAssertNotNil(model.pricing.requestFees, model.id) }
            if model.provider == .anthropic { XCTAssertEqual(model.pricing.perWebSearch, Picodollars(usd: "0.01"), model.id) }
        }
        XCTAssertEqual(Set(registry.all.filter { $0.has(.cache) }.map(\.provider)), [.anthropic])
        XCTAssertEqual(registry.model(id: "perplexity/sonar-reasoning-pro")?.reasoningOnly, true)
        XCTAssertEqual(registry.filter(ModelFilter(original: true)).filter(\.reasoningOnly).map(\.id),
                       ["perplexity/sonar-reasoning-pro"])
    }

    /// Where the original registry's price differed from the public one, the public price wins.
    func testPublicPricesWin() {
        func input(_ id: String) -> String? { registry.model(id: id)?.pricing.input.usdPerMillionString }
        XCTAssertEqual(input("openai/gpt-4o-mini"), "0.15")
        XCTAssertEqual(input("openai/gpt-5-chat"), "1.25")
        XCTAssertEqual(input("openai/gpt-5.1-codex-mini"), "0.25")
        XCTAssertEqual(input("google/gemini-2.5-pro"), "1.25")
        XCTAssertEqual(registry.model(id: "google/gemini-3-pro-image")?.pricing.output.usdPerMillionString, "12")
        func image(_ id: String) -> String? {
            registry.model(id: id)?.pricing.images?.price(size: nil, quality: nil)?.decimalUSDString
        }
        XCTAssertEqual(image("google/imagen-4.0-ultra-generate-001"), "0.06")
        XCTAssertEqual(image("bfl/flux-2-flex"), "0.05")
        XCTAssertEqual(image("bfl/flux-2-pro"), "0.03")
        XCTAssertEqual(image("bfl/flux-kontext-max"), "0.08")
        XCTAssertEqual(image("recraft/recraft-v3"), "0.04")
        XCTAssertEqual(image("recraft/recraft-v2"), "0.022")
        XCTAssertEqual(image("openai/dall-e-3"), "0.04")
        XCTAssertEqual(image("google/gemini-2.5-flash-image"), "0.039")
        XCTAssertEqual(registry.model(id: "openai/gpt-image-1")?.pricing.images?
                        .price(size: "1536x1024", quality: "medium")?.decimalUSDString, "0.063")
        XCTAssertEqual(input("openai/text-embedding-3-small"), "0.02")
        XCTAssertEqual(input("openai/text-embedding-3-large"), "0.13")
        XCTAssertEqual(input("openai/text-embedding-ada-002"), "0.1")
        XCTAssertEqual(input("google/gemini-embedding-001"), "0.15")
    }

    /// The README example priced from the registry itself.
    func testSonnetFromRegistryCosts336Credits() throws {
        let sonnet = try XCTUnwrap(registry.model(id: "anthropic/claude-sonnet-4.5"))
        let result = CreditCalculator.cost(usage: TokenUsage(promptTokens: 2_000, completionTokens: 1_000),
                                           pricing: sonnet.pricing)
        XCTAssertEqual(result.credits.decimalString, "3.36")
        // Long context on Sonnet 4.5 and Gemini 2.5 Pro.
        XCTAssertEqual(sonnet.pricing.tier(forPromptTokens: 200_001)?.input, TokenPrice(usdPerMillion: "6"))
        let gemini = try XCTUnwrap(registry.model(id: "google/gemini-2.5-pro"))
        XCTAssertEqual(gemini.pricing.effectivePrices(promptTokens: 300_000).output, TokenPrice(usdPerMillion: "15"))
        // Sonar Pro with a high search context: 1,000 x 3 + 1,000 x 15 + $0.014 = $0.032 -> 5.12 credits.
        let sonarPro = try XCTUnwrap(registry.model(id: "perplexity/sonar-pro"))
        let search = CreditCalculator.cost(usage: TokenUsage(promptTokens: 1_000, completionTokens: 1_000,
                                                             searchContextSize: .high), pricing: sonarPro.pricing)
        XCTAssertEqual(search.credits.decimalString, "5.12")
    }
}
