import Foundation
import XCTest
import LayersCredits
@testable import LayersModels

/// Cross-checks the built-in registry against the reference tables of
/// `../shared/reference/models-and-pricing.md` (embedded verbatim in `ReferencePricingTable`):
/// every model the reference names is registered with the published prices (input, output, cached
/// read, cache writes 5m / 1h, long-context tiers, Perplexity request fees, per-image prices),
/// context and output limits, capabilities and deprecations. The tables are parsed, not retyped,
/// so a wrong digit in `BuiltInModels` fails here.
final class ReferencePricingTests: XCTestCase {
    private let registry = ModelRegistry.builtIn
    private let reference = MarkdownTables(ReferencePricingTable.markdown)

    private func model(_ id: String, file: StaticString = #filePath, line: UInt = #line) throws -> ModelInfo {
        try XCTUnwrap(registry.model(id: id), "\(id) is in the reference but not in the registry", file: file, line: line)
    }

    // MARK: - Section 7: the public table (it wins over the original registry)

    func testPublicTableRowsParse() {
        XCTAssertEqual(reference.rows(headerStartingWith: "| Gateway id | in $/1M").count, 38)
    }

    func testEveryPublicChatModelHasTheReferencePrices() throws {
        for row in reference.rows(headerStartingWith: "| Gateway id | in $/1M") {
            let id = try XCTUnwrap(Cells.backticked(row[0]).first, row[0])
            let model = try model(id)
            let pricing = model.pricing
            XCTAssertEqual(model.kind, .chat, id)

            // Input / output, and their ">200K:" long-context prices.
            XCTAssertEqual(pricing.input, Cells.price(row[1]), "\(id) input")
            XCTAssertEqual(pricing.output, Cells.price(row[2]), "\(id) output")
            let longInput = Cells.longContextPrice(row[1]) ?? Cells.betaLongContext(row[5])?.input
            let longOutput = Cells.longContextPrice(row[2]) ?? Cells.betaLongContext(row[5])?.output
            let tier = pricing.tier(forPromptTokens: 200_001)
            if let longInput {
                XCTAssertEqual(tier?.aboveTokens, 200_000, "\(id) long-context threshold")
                XCTAssertEqual(tier?.input, longInput, "\(id) long-context input")
            } else {
                XCTAssertNil(tier, "\(id) has no published long-context tier")
            }
            if let longOutput { XCTAssertEqual(tier?.output, longOutput, "\(id) long-context output") }

            // Gemini's audio input price: "0.30 (audio 1.00)".
            if let audio = Cells.matches("\\(audio ([0-9.]+)\\)", in: row[1]).first {
                XCTAssertEqual(pricing.audioInput, TokenPrice(usdPerMillion: audio[1]), "\(id) audio input")
                XCTAssertTrue(model.has(.audioIn), "\(id) takes audio")
            } else {
                XCTAssertNil(pricing.audioInput, "\(id) audio input")
            }

            // Cached read ("—" = none published).
            if Cells.isDash(row[3]) {
                XCTAssertNil(pricing.cachedRead, "\(id) cached read")
            } else {
                XCTAssertEqual(pricing.cachedRead, Cells.price(row[3]), "\(id) cached read")
                if let longCached = Cells.longContextPrice(row[3]) {
                    XCTAssertEqual(tier?.cachedRead, longCached, "\(id) long-context cached read")
                }
            }

            // Cache writes: "5m / 1h", a single 5m price, or none ("—", "(storage billed separately)").
            let writes = Cells.isDash(row[4]) || row[4].hasPrefix("(") ? [] : Cells.decimals(Cells.withoutParentheses(row[4]))
            if writes.isEmpty {
                XCTAssertNil(pricing.cacheWrite5m, "\(id) cache write 5m")
                XCTAssertNil(pricing.cacheWrite1h, "\(id) cache write 1h")
            } else {
                XCTAssertEqual(pricing.cacheWrite5m, TokenPrice(usdPerMillion: writes[0]), "\(id) cache write 5m")
                if writes.count > 1 {
                    XCTAssertEqual(pricing.cacheWrite1h, TokenPrice(usdPerMillion: writes[1]), "\(id) cache write 1h")
                }
            }

            // Per-image prices quoted after "≈" (Gemini image models).
            let imagePrices = Cells.dollarAmounts(afterMarker: "≈", in: row[2])
            if imagePrices.isEmpty {
                XCTAssertNil(pricing.images, "\(id) prices no images")
            } else {
                let images = try XCTUnwrap(pricing.images, "\(id) image prices")
                XCTAssertEqual(images.price(size: nil, quality: nil), imagePrices[0], "\(id) default image")
                let listed = Set(images.sizes.map(\.price) + [images.perImage].compactMap { $0 })
                XCTAssertEqual(listed, Set(imagePrices), "\(id) image prices by size")
            }

            // Perplexity's request fee (amounts checked against the fee table below). The deprecated
            // sonar-reasoning has no published fee; the registry assumes Sonar's.
            if row[7].contains("request fee") {
                XCTAssertNotNil(pricing.requestFees, "\(id) request fee")
            } else if model.provider != .perplexity {
                XCTAssertNil(pricing.requestFees, "\(id) request fee")
            }
        }
    }

    func testEveryPublicChatModelHasTheReferenceLimitsAndCapabilities() throws {
        for row in reference.rows(headerStartingWith: "| Gateway id | in $/1M") {
            let id = try XCTUnwrap(Cells.backticked(row[0]).first)
            let model = try model(id)
            XCTAssertTrue(Cells.sizeMatches(row[5], model.contextWindow),
                          "\(id) context window \(model.contextWindow) vs \"\(row[5])\"")
            if let maxInput = Cells.inputLimit(row[5]) {
                XCTAssertTrue(maxInput.contains(model.maxInputTokens ?? -1), "\(id) max input \(String(describing: model.maxInputTokens))")
            }
            if let exception = Self.maxOutputExceptions[id] {
                XCTAssertEqual(model.maxOutputTokens, exception, "\(id): documented deviation")
            } else if !Cells.sizes(Cells.withoutParentheses(row[6])).isEmpty {
                XCTAssertTrue(Cells.sizeMatches(row[6], model.maxOutputTokens ?? -1),
                              "\(id) max output \(String(describing: model.maxOutputTokens)) vs \"\(row[6])\"")
            }
            let (listed, cached) = try Cells.capabilities(row[7])
            XCTAssertTrue(listed.isSubset(of: model.capabilities),
                          "\(id) lacks \(listed.subtracting(model.capabilities).sorted())")
            if cached { XCTAssertNotNil(model.pricing.cachedRead, "\(id): C means a published cache price") }
            let deprecated = row[0].contains("deprecated") || row[7].contains("deprecated")
            XCTAssertEqual(model.deprecated, deprecated, "\(id) deprecated")
        }
    }

    /// models.dev lists 65,536 output tokens for Gemini 2.5 Flash Image with a 32,768 context;
    /// Google's model page gives 32,768 for both, which the registry keeps (an output limit above
    /// the context window cannot be reached).
    private static let maxOutputExceptions: [String: Int] = ["google/gemini-2.5-flash-image": 32_768]

    func testPerplexityRequestFeesBySearchContextSize() throws {
        let rows = reference.rows(headerStartingWith: "| model | low | medium | high |")
        XCTAssertEqual(rows.count, 3)
        for row in rows {
            let fees = try XCTUnwrap(try model("perplexity/" + row[0]).pricing.requestFees, row[0])
            // The table is per 1,000 requests.
            let perThousand = try row[1...3].map { try XCTUnwrap(Cells.dollarAmounts(afterMarker: nil, in: $0).first) }
            XCTAssertEqual([fees.low, fees.medium, fees.high].map { $0.multiplied(by: 1_000) }, perThousand, row[0])
            XCTAssertEqual(fees.fee(for: nil), fees.low, "low is Perplexity's default")
        }
    }

    /// "Anthropic cache multipliers (official pricing page): 5-minute write = 1.25× input, 1-hour
    /// write = 2× input, cache hit = 0.1× input" — for every Claude model and its long-context tier.
    func testAnthropicCacheMultipliers() throws {
        let claude = registry.filter(ModelFilter(provider: .anthropic))
        XCTAssertEqual(claude.count, 7)
        for model in claude {
            let prices = [model.pricing.effectivePrices(promptTokens: 0)]
                + model.pricing.longContextTiers.map { model.pricing.effectivePrices(promptTokens: $0.aboveTokens + 1) }
            for price in prices {
                let input = price.input.microUSDPerMillion
                XCTAssertEqual(price.cachedRead.microUSDPerMillion * 10, input, "\(model.id) cache hit = 0.1x")
                XCTAssertEqual(price.cacheWrite5m.microUSDPerMillion * 4, input * 5, "\(model.id) 5m write = 1.25x")
                XCTAssertEqual(price.cacheWrite1h.microUSDPerMillion, input * 2, "\(model.id) 1h write = 2x")
            }
        }
    }

    /// "OpenAI caching: the cached-input price is 50% of input for gpt-4o, gpt-4o-mini, o1 and
    /// o3-mini; 25% for o3 and o4-mini; and 10% for the GPT-5 family" (no write charge).
    func testOpenAICachedInputRatios() throws {
        let halves = ["openai/gpt-4o", "openai/gpt-4o-mini", "openai/o1", "openai/o3-mini"]
        let quarters = ["openai/o3", "openai/o4-mini"]
        for model in registry.filter(ModelFilter(providers: [.openai], kind: .chat)) {
            XCTAssertNil(model.pricing.cacheWrite5m, "\(model.id): OpenAI caches automatically")
            guard let cached = model.pricing.cachedRead?.microUSDPerMillion else { continue }
            let input = model.pricing.input.microUSDPerMillion
            if halves.contains(model.id) {
                XCTAssertEqual(cached * 2, input, model.id)
            } else if quarters.contains(model.id) {
                XCTAssertEqual(cached * 4, input, model.id)
            } else {
                XCTAssertTrue(model.id.hasPrefix("openai/gpt-5"), model.id)
                XCTAssertEqual(cached * 10, input, model.id)
            }
        }
    }

    // MARK: - Section 1: the original registry's 23 models

    func testEveryOriginalModelIsRegisteredAsTheOriginalDescribedIt() throws {
        let rows = reference.rows(headerStartingWith: "| id | provider | name |")
        XCTAssertEqual(rows.count, 23)
        let publicIDs = Set(reference.rows(headerStartingWith: "| Gateway id | in $/1M").compactMap { Cells.backticked($0[0]).first })
        for row in rows {
            let id = try XCTUnwrap(Cells.backticked(row[0]).first)
            let model = try model(id)
            XCTAssertTrue(model.original, id)
            XCTAssertEqual(model.provider.rawValue, row[1], id)
            XCTAssertEqual(model.displayName, row[2], id)
            XCTAssertEqual(model.released, row[7], id)
            let capabilities = try Cells.withoutParentheses(row[3]).split(separator: ",").map {
                try XCTUnwrap(Capability(name: $0.trimmingCharacters(in: .whitespaces)), "\(id): \($0)")
            }
            XCTAssertTrue(Set(capabilities).isSubset(of: model.capabilities),
                          "\(id) lacks original capabilities \(Set(capabilities).subtracting(model.capabilities).sorted())")
            XCTAssertEqual(model.reasoningOnly, row[3].contains("reasoningOnly: true"), id)
            // The original's prices stand only where no public price replaces them.
            if !publicIDs.contains(id) {
                XCTAssertEqual(model.pricing.input, Cells.price(row[5]), "\(id) input")
                XCTAssertEqual(model.pricing.output, Cells.price(row[6]), "\(id) output")
            }
        }
        XCTAssertEqual(registry.filter(ModelFilter(original: true)).count, rows.count, "no other model is flagged original")
    }

    /// Section 9's list of drifted prices: the registry holds the public one.
    func testDriftedOriginalPricesUseThePublicPrice() throws {
        let original = Dictionary(uniqueKeysWithValues: reference.rows(headerStartingWith: "| id | provider | name |").map {
            (Cells.backticked($0[0]).first ?? "", (Cells.price($0[5]), Cells.price($0[6])))
        })
        var drifted: [String] = []
        for row in reference.rows(headerStartingWith: "| Gateway id | in $/1M") {
            let id = try XCTUnwrap(Cells.backticked(row[0]).first)
            guard let (input, output) = original[id] else { continue }
            if input != Cells.price(row[1]) || output != Cells.price(row[2]) { drifted.append(id) }
        }
        XCTAssertEqual(Set(drifted), ["openai/gpt-4o-mini", "openai/gpt-5-chat", "openai/gpt-5-codex",
                                      "openai/gpt-5.1-codex", "openai/gpt-5.1-codex-mini", "openai/gpt-5.1-instant",
                                      "openai/gpt-5.1-thinking", "google/gemini-2.5-pro", "google/gemini-3-pro-image"])
    }

    // MARK: - Sections 1a and 7a: image models

    func testEveryPublicImagePriceIsRegistered() throws {
        let rows = reference.rows(headerStartingWith: "| Gateway id | provider price |")
        XCTAssertEqual(rows.count, 13)
        var checked = 0
        for row in rows {
            let ids = Cells.imageIDs(row[0])
            let amounts = Cells.dollarAmounts(afterMarker: nil, in: row[1])
            XCTAssertGreaterThanOrEqual(amounts.count, ids.count, row[0])
            for (position, id) in ids.enumerated() {
                let images = try XCTUnwrap(try model(id).pricing.images, id)
                XCTAssertEqual(images.price(size: nil, quality: nil), amounts[position], "\(id) default image")
                checked += 1
                // Recraft lists raster, then vector prices; vector models are separate ids.
                if row[1].contains("vector") {
                    let vector = try XCTUnwrap(try model(id + "-vector").pricing.images, id + "-vector")
                    XCTAssertEqual(vector.price(size: nil, quality: nil), amounts[ids.count + position], "\(id)-vector")
                    checked += 1
                }
            }
        }
        XCTAssertEqual(checked, 20)
    }

    func testEveryOriginalImageModelIsRegistered() throws {
        let rows = reference.rows(headerStartingWith: "| model id | credits / image |")
        XCTAssertEqual(rows.count, 12)
        let publicPrices = Dictionary(reference.rows(headerStartingWith: "| Gateway id | provider price |").flatMap { row in
            zip(Cells.imageIDs(row[0]), Cells.dollarAmounts(afterMarker: nil, in: row[1]))
        }, uniquingKeysWith: { first, _ in first })
        for row in rows {
            // The last row is the original's default for unknown models ("*(any other, ...)*").
            guard !row[0].hasPrefix("*("), let id = Cells.backticked(row[0]).first else { continue }
            let model = try model(id)
            XCTAssertEqual(model.kind, .image, id)
            let implied = try XCTUnwrap(Cells.dollarAmounts(afterMarker: nil, in: "$" + row[2]).first, row[2])
            // The original's credits per image include the 60% margin: credits = USD x 1.6 / $0.01.
            let credits = try XCTUnwrap(MicroCredits(decimalString: row[1]))
            XCTAssertEqual(CreditCalculator.credits(for: implied, margin: .default), credits, "\(id) original credits")
            XCTAssertEqual(model.pricing.images?.price(size: nil, quality: nil), publicPrices[id] ?? implied,
                           "\(id): the public price wins over the original's")
        }
    }

    /// "With Layers' formula (×1.6 ÷ $0.01), one image costs: 3.2 credits at $0.02 ..."
    func testImageCreditExamples() throws {
        let lines = ReferencePricingTable.markdown.split(separator: "\n").filter { $0.hasPrefix("- ") && $0.contains(" credits at $") }
        XCTAssertEqual(lines.count, 5)
        for line in lines {
            let parts = line.dropFirst(2).components(separatedBy: " credits at ")
            let credits = try XCTUnwrap(MicroCredits(decimalString: parts[0]))
            let usd = try XCTUnwrap(Cells.dollarAmounts(afterMarker: nil, in: parts[1]).first)
            XCTAssertEqual(CreditCalculator.cost(usage: TokenUsage(imageCount: 1), pricing: .imageOnly(.flat(usd))).credits,
                           credits, String(line))
        }
    }

    // MARK: - The embedded copy

    func testEmbeddedCopyMatchesSharedReference() throws {
        let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared/reference/models-and-pricing.md")
        guard let text = try? String(contentsOf: shared, encoding: .utf8) else {
            throw XCTSkip("no shared reference at \(shared.path); the embedded copy is used as is")
        }
        XCTAssertEqual(text.trimmingCharacters(in: .whitespacesAndNewlines),
                       ReferencePricingTable.markdown.trimmingCharacters(in: .whitespacesAndNewlines),
                       "the shared reference changed: update ReferencePricingTable.swift and the registry")
    }
}

/// The pipe tables of a Markdown document.
struct MarkdownTables {
    let lines: [Substring]

    init(_ text: String) { lines = text.split(separator: "\n", omittingEmptySubsequences: false) }

    /// The body rows (cells trimmed) of the table whose header line starts with `prefix`.
    func rows(headerStartingWith prefix: String) -> [[String]] {
        guard let header = lines.firstIndex(where: { $0.hasPrefix(prefix) }) else { return [] }
        var rows: [[String]] = []
        for line in lines[(header + 2)...] {
            guard line.hasPrefix("|") else { break }
            var cells = line.split(separator: "|", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            cells.removeFirst()
            if cells.last == "" { cells.removeLast() }
            rows.append(cells)
        }
        return rows
    }
}

/// Readers for the reference tables' cell notation.
enum Cells {
    static func matches(_ pattern: String, in text: String) -> [[String]] {
        let regex = try! NSRegularExpression(pattern: pattern)
        let range = NSRange(text.startIndex..., in: text)
        return regex.matches(in: text, range: range).map { match in
            (0..<match.numberOfRanges).map { group in
                Range(match.range(at: group), in: text).map { String(text[$0]) } ?? ""
            }
        }
    }

    /// Text inside backticks: ids.
    static func backticked(_ cell: String) -> [String] { matches("`([^`]+)`", in: cell).map { $0[1] } }

    /// Image ids, expanding the suffix shorthand: "`bfl/flux-kontext-pro` / `-max`" names
    /// bfl/flux-kontext-pro and bfl/flux-kontext-max.
    static func imageIDs(_ cell: String) -> [String] {
        var ids: [String] = []
        for name in backticked(cell) {
            if name.hasPrefix("-"), let first = ids.first, let dash = first.lastIndex(of: "-") {
                ids.append(String(first[..<dash]) + name)
            } else {
                ids.append(name)
            }
        }
        return ids
    }

    /// Plain decimal numbers ("0.30", "2.00"), in order.
    static func decimals(_ cell: String) -> [String] {
        matches("(?<![0-9.,>$])([0-9]+(?:\\.[0-9]+)?)(?![0-9.,KM])", in: cell).map { $0[1] }
    }

    /// The cell's first number as a price per 1M tokens.
    static func price(_ cell: String) -> TokenPrice? {
        decimals(cell).first.flatMap(TokenPrice.init(parsingUSDPerMillion:))
    }

    /// The "(>200K: 6.00)" price in a cell.
    static func longContextPrice(_ cell: String) -> TokenPrice? {
        matches(">200K: ([0-9.]+)", in: cell).first.flatMap { TokenPrice(parsingUSDPerMillion: $0[1]) }
    }

    /// Sonnet 4.5's context cell: "(1M beta: >200K input billed $6 / $22.50)".
    static func betaLongContext(_ cell: String) -> (input: TokenPrice, output: TokenPrice)? {
        guard let match = matches(">200K input billed \\$([0-9.]+) / \\$([0-9.]+)", in: cell).first,
              let input = TokenPrice(parsingUSDPerMillion: match[1]),
              let output = TokenPrice(parsingUSDPerMillion: match[2]) else { return nil }
        return (input, output)
    }

    /// "$0.039" amounts in a cell (after `marker` when given), in order.
    static func dollarAmounts(afterMarker marker: String?, in cell: String) -> [Picodollars] {
        var text = Substring(cell)
        if let marker {
            guard let range = cell.range(of: marker) else { return [] }
            text = cell[range.upperBound...]
        }
        return matches("\\$([0-9]+(?:\\.[0-9]+)?)(?![0-9]*/1M)", in: String(text)).compactMap { Picodollars(usdString: $0[1]) }
    }

    static func isDash(_ cell: String) -> Bool { cell.hasPrefix("—") || cell.isEmpty }

    static func withoutParentheses(_ cell: String) -> String {
        cell.replacingOccurrences(of: "\\([^)]*\\)", with: "", options: .regularExpression)
    }

    /// Token counts in a cell: "200K", "1M", "81.9K", "1,048,576" as the range of values each can
    /// stand for (K = 1,000 to 1,024, M = 1,000,000 to 1,048,576; exact when written out).
    static func sizes(_ cell: String) -> [ClosedRange<Int>] {
        matches("([0-9][0-9,]*(?:\\.[0-9])?)([KM]?)", in: cell).compactMap { match in
            let digits = match[1]
            let suffix = match[2]
            if suffix.isEmpty {
                guard digits.contains(","), let value = Int(digits.replacingOccurrences(of: ",", with: "")) else { return nil }
                return value...value
            }
            let tenths = digits.contains(".") ? Int(digits.replacingOccurrences(of: ".", with: ""))! : Int(digits)! * 10
            let (low, high) = suffix == "K" ? (1_000, 1_024) : (1_000_000, 1_048_576)
            return (tenths * low / 10)...(tenths * high / 10)
        }
    }

    /// True when `value` is the cell's size, or one of them when the cell lists alternatives
    /// ("16K (models.dev) / 81,920 (opencode)"). Parenthesised notes are not sizes.
    static func sizeMatches(_ cell: String, _ value: Int) -> Bool {
        let primary = withoutParentheses(cell)
        let candidates = sizes(primary)
        if primary.contains("/") || primary.contains(";") { return candidates.contains { $0.contains(value) } }
        return candidates.first?.contains(value) ?? false
    }

    /// "400K (272K in)": the input limit.
    static func inputLimit(_ cell: String) -> ClosedRange<Int>? {
        matches("\\(([0-9]+K) in\\)", in: cell).first.flatMap { sizes($0[1]).first }
    }

    /// The abbreviated capabilities ("V, PDF, T, J*, R, C, S"): the capabilities they name, and
    /// whether C (a published cache price) is listed.
    static func capabilities(_ cell: String) throws -> (Set<Capability>, cached: Bool) {
        let names = withoutParentheses(cell).split(separator: ";")[0]
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "*", with: "") }
        var result: Set<Capability> = []
        var cached = false
        for name in names {
            switch name {
            case "V": result.insert(.vision)
            case "PDF": result.insert(.pdf)
            case "A": result.insert(.audioIn)
            case "Vd": result.insert(.videoIn)
            case "T": result.insert(.tools)
            case "J": result.insert(.json)
            case "R": result.insert(.thinking)
            case "S": result.insert(.stream)
            case "W": result.insert(.web)
            case "IMG": result.insert(.imageGen)
            case "text": result.insert(.text)
            case "C": cached = true
            default: throw CellError.unknownCapability(name)
            }
        }
        return (result, cached)
    }

    enum CellError: Error { case unknownCapability(String) }
}
