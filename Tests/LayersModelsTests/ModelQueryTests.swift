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
