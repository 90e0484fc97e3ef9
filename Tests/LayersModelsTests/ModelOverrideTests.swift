import Foundation
import XCTest
import LayersCredits
@testable import LayersModels

final class ModelOverrideTests: XCTestCase {
    private let registry = ModelRegistry.builtIn

    private func apply(_ json: String) throws -> ModelRegistry {
        try registry.applying(overrides: Data(json.utf8))
    }

    private func overrideError(_ json: String, file: StaticString = #filePath, line: UInt = #line) -> ModelOverrideError? {
        do {
            _ = try apply(json)
            XCTFail("expected an error", file: file, line: line)
        } catch let error as ModelOverrideError {
            return error
        } catch {
            XCTFail("unexpected error type \(error)", file: file, line: line)
        }
        return nil
    }

    func testChangePriceOfExistingModel() throws {
        let updated = try apply(#"""
        { "models": [ { "id": "openai/gpt-4o", "pricing": { "input": "2.00", "cached_read": 0.5 } } ] }
        """#)
        let gpt4o = try XCTUnwrap(updated.model(id: "openai/gpt-4o"))
        XCTAssertEqual(gpt4o.pricing.input, TokenPrice(usdPerMillion: "2"))
        XCTAssertEqual(gpt4o.pricing.cachedRead, TokenPrice(usdPerMillion: "0.5"))
        XCTAssertEqual(gpt4o.pricing.output, TokenPrice(usdPerMillion: "10"), "fields not given are kept")
        XCTAssertNil(gpt4o.pricing.audioInput)
        let audio = try apply(#"{ "models": [ { "id": "openai/gpt-4o", "pricing": { "audio_input": "40" } } ] }"#)
        XCTAssertEqual(audio.model(id: "openai/gpt-4o")?.pricing.audioInput, TokenPrice(usdPerMillion: "40"))
        XCTAssertEqual(overrideError(#"{ "models": [ { "id": "openai/gpt-4o", "pricing": { "audio_input": "x" } } ] }"#)?.field,
                       "pricing.audio_input")
        XCTAssertEqual(gpt4o.displayName, "GPT-4o")
        XCTAssertEqual(updated.count, registry.count)
        XCTAssertEqual(registry.model(id: "openai/gpt-4o")?.pricing.input, TokenPrice(usdPerMillion: "2.50"),
                       "the built-in registry is untouched")
    }

    func testJSONNumbersAreReadExactly() throws {
        let updated = try apply(#"{ "models": [ { "id": "openai/gpt-4o-mini", "pricing": { "input": 0.075, "output": 0.3, "cached_read": 0.0375 } } ] }"#)
        let mini = try XCTUnwrap(updated.model(id: "openai/gpt-4o-mini"))
        XCTAssertEqual(mini.pricing.input.microUSDPerMillion, 75_000)
        XCTAssertEqual(mini.pricing.output.microUSDPerMillion, 300_000)
        XCTAssertEqual(mini.pricing.cachedRead?.microUSDPerMillion, 37_500)
    }

    func testAddNewChatModelWithEverything() throws {
        let updated = try apply(#"""
        { "models": [ {
            "id": "acme/fast-1", "display_name": "Acme Fast 1", "kind": "chat",
            "capabilities": ["text", "vision", "tools", "stream", "audio-in"],
            "context_window": 300000, "max_output_tokens": 8192, "released": "2026-03",
            "aliases": ["fast-1-latest"], "upstream_name": "fast-1-2026-03", "reasoning_only": false,
            "pricing": {
              "input": "0.40", "output": "1.60", "cached_read": "0.04", "cache_write_5m": "0.50", "cache_write_1h": "0.80",
              "long_context": [ { "above_tokens": 128000, "input": "0.80", "output": "3.20", "cached_read": "0.08" } ],
              "request_fees_per_1k": { "low": "5", "medium": "8", "high": "12" },
              "per_web_search": "0.01"
            } } ] }
        """#)
        XCTAssertEqual(updated.count, registry.count + 1)
        let model = try XCTUnwrap(updated.model(id: "fast-1-latest"))
        XCTAssertEqual(model.id, "acme/fast-1")
        XCTAssertEqual(model.provider, ProviderID("acme"))
        XCTAssertEqual(model.capabilities, [.text, .vision, .tools, .stream, .audioIn])
        XCTAssertEqual(model.contextWindow, 300_000)
        XCTAssertEqual(model.upstreamName, "fast-1-2026-03")
        XCTAssertFalse(model.original)
        XCTAssertEqual(model.pricing.longContextTiers.first?.aboveTokens, 128_000)
        XCTAssertEqual(model.pricing.requestFees?.high, Picodollars(usd: "0.012"))
        XCTAssertEqual(model.pricing.perWebSearch, Picodollars(usd: "0.01"))
        XCTAssertEqual(updated.model(id: "acme/fast-1-2026-03")?.id, "acme/fast-1")
        // 1,000 in + 1,000 out + low fee: 0.4e9 + 1.6e9 + 5e9 = 7e9 pUSD -> 1.12 credits.
        let cost = CreditCalculator.cost(usage: TokenUsage(promptTokens: 1_000, completionTokens: 1_000),
                                         pricing: model.pricing)
        XCTAssertEqual(cost.credits.decimalString, "1.12")
    }

    func testAddImageAndEmbeddingModelsWithDefaults() throws {
        let updated = try apply(#"""
        { "models": [
            { "id": "acme/painter", "kind": "image", "context_window": 1000,
              "pricing": { "images": { "sizes": [ { "size": "1024x1024", "price": "0.05" },
                                                   { "size": "2048x2048", "quality": "hd", "price": "0.2" } ],
                                       "default_size": "1024x1024" } } },
            { "id": "acme/embed", "kind": "embedding", "context_window": 8192, "pricing": { "input": "0.01" } },
            { "id": "acme/flux", "kind": "image", "context_window": 0,
              "pricing": { "images": { "per_megapixel": "0.02", "per_additional_megapixel": "0.01" } } } ] }
        """#)
        let painter = try XCTUnwrap(updated.model(id: "acme/painter"))
        XCTAssertEqual(painter.kind, .image)
        XCTAssertEqual(painter.capabilities, [.imageGen])
        XCTAssertEqual(painter.displayName, "acme/painter")
        XCTAssertEqual(painter.pricing.images?.price(size: nil, quality: nil), Picodollars(usd: "0.05"))
        XCTAssertEqual(painter.pricing.images?.price(size: "2048x2048", quality: "hd"), Picodollars(usd: "0.2"))
        let embed = try XCTUnwrap(updated.model(id: "acme/embed"))
        XCTAssertEqual(embed.capabilities, [.embed])
        XCTAssertEqual(embed.pricing.output, .zero)
        XCTAssertEqual(updated.model(id: "acme/flux")?.pricing.images?.price(size: "2048x1024", quality: nil),
                       Picodollars(usd: "0.03"))
        XCTAssertEqual(updated.cheapest(with: [.embed], kind: .embedding)?.id, "acme/embed")
    }

    func testRemoveModelsAndEmptyFile() throws {
        let updated = try apply(#"{ "remove": ["perplexity/sonar-reasoning", "OPENAI/O3-PRO"] }"#)
        XCTAssertEqual(updated.count, registry.count - 2)
        XCTAssertNil(updated.model(id: "perplexity/sonar-reasoning"))
        XCTAssertNil(updated.model(id: "openai/o3-pro"))
        XCTAssertEqual(try apply("{}").count, registry.count)
    }

    func testLoadFromFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("layers-models-\(UUID().uuidString).json")
        try Data(#"{ "models": [ { "id": "anthropic/claude-haiku-4.5", "deprecated": true, "deprecation_date": "2027-01-01" } ] }"#.utf8)
            .write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let loaded = try ModelRegistry.load(overridesFile: path.path)
        XCTAssertEqual(loaded.model(id: "anthropic/claude-haiku-4.5")?.deprecated, true)
        XCTAssertEqual(loaded.model(id: "anthropic/claude-haiku-4.5")?.deprecationDate, "2027-01-01")
        XCTAssertThrowsError(try ModelRegistry.load(overridesFile: "/nonexistent/models.json")) { error in
            XCTAssertTrue("\(error)".contains("cannot read override file /nonexistent/models.json"), "\(error)")
        }
    }

    func testValidationErrorsNameEntryFieldAndReason() {
        let price = overrideError(#"{ "models": [ { "id": "openai/gpt-4o" }, { "id": "acme/x", "context_window": 10, "pricing": { "input": "abc", "output": "1" } } ] }"#)
        XCTAssertEqual(price?.index, 1)
        XCTAssertEqual(price?.id, "acme/x")
        XCTAssertEqual(price?.field, "pricing.input")
        XCTAssertEqual(price?.description,
                       #"model overrides: models[1] "acme/x" field "pricing.input": must be a non-negative decimal amount of USD per 1M tokens with at most 6 decimals, got "abc""#)

        XCTAssertEqual(overrideError(#"{ "models": [ { "pricing": {} } ] }"#)?.field, "id")
        XCTAssertEqual(overrideError(#"{ "models": [ { "id": "no-slash", "context_window": 1 } ] }"#)?.field, "id")
        XCTAssertEqual(overrideError(#"{ "models": [ { "id": "openai/gpt-4o", "pricing": { "output": "-1" } } ] }"#)?.field,
                       "pricing.output")
        XCTAssertEqual(overrideError(#"{ "models": [ { "id": "openai/gpt-4o", "pricing": { "input": "0.0000001" } } ] }"#)?.field,
                       "pricing.input")
        let capability = overrideError(#"{ "models": [ { "id": "openai/gpt-4o", "capabilities": ["text", "telepathy"] } ] }"#)
        XCTAssertEqual(capability?.field, "capabilities")
        XCTAssertTrue(capability?.reason.contains("telepathy") ?? false)
        XCTAssertEqual(overrideError(#"{ "models": [ { "id": "openai/gpt-4o", "kind": "video" } ] }"#)?.field, "kind")
        XCTAssertEqual(overrideError(#"{ "models": [ { "id": "acme/new", "pricing": { "input": "1", "output": "1" } } ] }"#)?.field,
                       "context_window")
        XCTAssertEqual(overrideError(#"{ "models": [ { "id": "acme/new", "context_window": 10 } ] }"#)?.field, "pricing")
        XCTAssertEqual(overrideError(#"{ "models": [ { "id": "acme/new", "context_window": 10, "pricing": { "output": "1" } } ] }"#)?.field,
                       "pricing.input")
        XCTAssertEqual(overrideError(#"{ "models": [ { "id": "acme/new", "kind": "image", "context_window": 0, "pricing": {} } ] }"#)?.field,
                       "pricing.images")
        XCTAssertEqual(overrideError(#"{ "models": [ { "id": "openai/gpt-4o", "released": "2025-13" } ] }"#)?.field, "released")
        XCTAssertEqual(overrideError(#"{ "models": [ { "id": "openai/gpt-4o", "context_window": 0 } ] }"#)?.field, "context_window")
        XCTAssertEqual(overrideError(#"{ "models": [ { "id": "openai/gpt-4o", "max_input_tokens": 200000 } ] }"#)?.field,
                       "max_input_tokens", "more than the 128K context window")
        XCTAssertEqual(overrideError(#"{ "models": [ { "id": "openai/gpt-4o", "provider": "anthropic" } ] }"#)?.field, "provider")
        XCTAssertEqual(overrideError(#"{ "models": [ { "id": "openai/gpt-4o", "pricing": { "long_context": [ { "input": "1", "output": "2" } ] } } ] }"#)?.field,
                       "pricing.long_context[0].above_tokens")
        XCTAssertEqual(overrideError(#"{ "models": [ { "id": "openai/gpt-4o", "pricing": { "request_fees_per_1k": { "low": "1", "medium": "2" } } } ] }"#)?.field,
                       "pricing.request_fees_per_1k.high")
        XCTAssertEqual(overrideError(#"{ "models": [ { "id": "openai/dall-e-3", "pricing": { "images": { "sizes": [ { "size": "1024x1024" } ] } } } ] }"#)?.field,
                       "pricing.images.sizes[0].price")
    }

    func testTypeErrorsNameEntryAndField() {
        let wrongType = overrideError(#"{ "models": [ { "id": "openai/gpt-4o" }, { "id": "openai/o3", "context_window": "big" } ] }"#)
        XCTAssertEqual(wrongType?.index, 1)
        XCTAssertEqual(wrongType?.id, "openai/o3")
        XCTAssertEqual(wrongType?.field, "context_window")
        XCTAssertTrue(wrongType?.description.hasPrefix(
            #"model overrides: models[1] "openai/o3" field "context_window": has the wrong type: "#) ?? false,
                      String(describing: wrongType))
        XCTAssertEqual(overrideError(#"{ "models": [ { "id": "openai/o3", "pricing": { "input": true } } ] }"#)?.field, "pricing.input")
        XCTAssertEqual(overrideError(#"{ "models": [ { "id": "openai/o3", "capabilities": "text" } ] }"#)?.field, "capabilities")
        XCTAssertNil(overrideError(#"{ "models": {} }"#)?.index)
        XCTAssertNotNil(overrideError("not json at all"))
        XCTAssertNotNil(overrideError("[]"))
    }

    /// A misspelt field must not be ignored silently (the price would stay unchanged without notice).
    func testUnknownFieldsAreRejectedWithEntryAndPath() {
        let price = overrideError(#"{ "models": [ { "id": "openai/gpt-4o" }, { "id": "openai/o3", "pricing": { "inptu": "1" } } ] }"#)
        XCTAssertEqual(price?.index, 1)
        XCTAssertEqual(price?.id, "openai/o3")
        XCTAssertEqual(price?.field, "pricing.inptu")
        XCTAssertEqual(price?.description, #"model overrides: models[1] "openai/o3" field "pricing.inptu": is not a known field (known: audio_input, cache_write_1h, cache_write_5m, cached_read, images, input, long_context, output, per_web_search, request_fees_per_1k)"#)
        let entry = overrideError(#"{ "models": [ { "id": "acme/new", "contxt_window": 1000, "pricing": { "input": "1", "output": "1" } } ] }"#)
        XCTAssertEqual(entry?.field, "contxt_window", "reported before the missing context_window")
        XCTAssertTrue(entry?.reason.contains("context_window") ?? false, "lists the known names")
        XCTAssertEqual(overrideError(#"{ "models": [ { "id": "openai/gpt-4o", "pricing": { "long_context": [ { "above_tokens": 1, "input": "1", "output": "1", "ouput": "2" } ] } } ] }"#)?.field,
                       "pricing.long_context[0].ouput")
        XCTAssertEqual(overrideError(#"{ "models": [ { "id": "perplexity/sonar", "pricing": { "request_fees_per_1k": { "low": "1", "medium": "2", "high": "3", "max": "4" } } } ] }"#)?.field,
                       "pricing.request_fees_per_1k.max")
        XCTAssertEqual(overrideError(#"{ "models": [ { "id": "openai/dall-e-3", "pricing": { "images": { "sizes": [ { "size": "1x1", "price": "1", "qualty": "hd" } ] } } } ] }"#)?.field,
                       "pricing.images.sizes[0].qualty")
        let topLevel = overrideError(#"{ "model": [ { "id": "openai/gpt-4o", "pricing": { "input": "1" } } ] }"#)
        XCTAssertNil(topLevel?.index)
        XCTAssertEqual(topLevel?.description, #"model overrides: field "model": is not a known field (known: models, remove)"#)
    }

    func testDeprecationDateMustBeADay() throws {
        XCTAssertEqual(overrideError(#"{ "models": [ { "id": "openai/gpt-4o", "deprecation_date": "2027-01" } ] }"#)?.field,
                       "deprecation_date")
        XCTAssertEqual(overrideError(#"{ "models": [ { "id": "openai/gpt-4o", "deprecation_date": "2027-02-32" } ] }"#)?.field,
                       "deprecation_date")
        XCTAssertEqual(try apply(#"{ "models": [ { "id": "openai/gpt-4o", "deprecation_date": "2027-02-28" } ] }"#)
                        .model(id: "openai/gpt-4o")?.deprecationDate, "2027-02-28")
        XCTAssertTrue(ModelOverrideApplier.isDate("2026-12-31"))
        XCTAssertFalse(ModelOverrideApplier.isDate("2026-00-10"))
        XCTAssertFalse(ModelOverrideApplier.isDate("2026/12/31"))
        XCTAssertTrue(ModelOverrideApplier.isYearMonth("2026-12"))
        XCTAssertFalse(ModelOverrideApplier.isYearMonth("2026-1x"))
    }

    func testRemoveAndAliasConflicts() {
        let remove = overrideError(#"{ "remove": ["openai/gpt-99"] }"#)
        XCTAssertEqual(remove?.field, "remove[0]")
        XCTAssertNil(remove?.index)
        XCTAssertEqual(remove?.description, #"model overrides: "openai/gpt-99" field "remove[0]": names no known model"#)
        XCTAssertEqual(remove?.id, "openai/gpt-99")
        let alias = overrideError(#"{ "models": [ { "id": "openai/gpt-4o", "aliases": ["openai/gpt-4o-mini"] } ] }"#)
        XCTAssertEqual(alias?.field, "aliases")
        XCTAssertTrue(alias?.description.contains("already names openai/gpt-4o-mini") ?? false, "\(String(describing: alias))")
        XCTAssertEqual(overrideError(#"{ "models": [ { "id": "openai/gpt-4o", "aliases": [" "] } ] }"#)?.field, "aliases")
    }
}
