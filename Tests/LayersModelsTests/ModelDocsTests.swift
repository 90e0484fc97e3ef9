import Foundation
import XCTest
import LayersCredits
@testable import LayersModels

/// docs/models.md's "Built-in models" table is what deployers read: it must list every built-in
/// model, and each row must say what the registry holds (kind, upstream name, capabilities,
/// limits, prices, release, deprecation, original flag).
final class ModelDocsTests: XCTestCase {
    private static func docs() throws -> MarkdownTables {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/models.md")
        return MarkdownTables(try String(contentsOf: docs, encoding: .utf8))
    }

    func testBuiltInTableListsEveryModelAsRegistered() throws {
        let rows = try Self.docs().rows(headerStartingWith: "| id | kind | upstream name |")
        let registry = ModelRegistry.builtIn
        XCTAssertEqual(rows.compactMap { Cells.backticked($0[0]).first }, registry.all.map(\.id),
                       "one row per built-in model, in registry order")
        for row in rows {
            guard let id = Cells.backticked(row[0]).first, let model = registry.model(id: id) else { continue }
            XCTAssertEqual(row[1], model.kind.rawValue, id)
            XCTAssertEqual(row[2], "`\(model.upstreamName)`", id)
            XCTAssertEqual(row[3], model.capabilities.sorted().map(\.rawValue).joined(separator: ", "), id)
            XCTAssertEqual(row[4], model.contextWindow == 0 ? "—" : String(model.contextWindow), id)
            XCTAssertEqual(row[5], model.maxOutputTokens.map(String.init) ?? "—", id)
            XCTAssertEqual(row[6], Self.priceCell(model), id)
            XCTAssertEqual(row[7], model.released + (model.deprecated ? " (deprecated)" : ""), id)
            XCTAssertEqual(row[8], model.original ? "yes" : "", id)
        }
    }

    func testAliasTableListsEveryBuiltInAlias() throws {
        let rows = try Self.docs().rows(headerStartingWith: "| alias | model |")
        let pairs = Set(rows.map { (Cells.backticked($0[0]).first ?? "") + " -> " + (Cells.backticked($0[1]).first ?? "") })
        let registered = Set(ModelRegistry.builtIn.all.flatMap { model in model.aliases.map { $0 + " -> " + model.id } })
        XCTAssertEqual(rows.count, registered.count, "one row per alias")
        XCTAssertEqual(pairs, registered)
    }

    /// The price column's notation, from the registry's prices.
    static func priceCell(_ model: ModelInfo) -> String {
        let pricing = model.pricing
        func usd(_ price: TokenPrice) -> String { "$" + price.usdPerMillionString }
        func usd(_ amount: Picodollars) -> String { "$" + amount.decimalUSDString }
        switch model.kind {
        case .embedding:
            return usd(pricing.input)
        case .image:
            guard let images = pricing.images else { return "" }
            if let first = images.perMegapixel {
                return "\(usd(first)) first MP + \(usd(images.perAdditionalMegapixel ?? first))/MP"
            }
            if let flat = images.perImage, images.sizes.isEmpty { return "\(usd(flat)) / image" }
            let prices = images.sizes.map(\.price)
            return "\(usd(prices.min() ?? .zero))–\(usd(prices.max() ?? .zero)) by size/quality"
        case .chat:
            var parts = ["\(usd(pricing.input)) / \(usd(pricing.output))"]
            if let audio = pricing.audioInput { parts.append("audio in \(usd(audio))") }
            if let cached = pricing.cachedRead { parts.append("cached \(usd(cached))") }
            if let write5m = pricing.cacheWrite5m {
                parts.append("write \(usd(write5m))" + (pricing.cacheWrite1h.map { "/" + usd($0) } ?? ""))
            }
            for tier in pricing.longContextTiers {
                parts.append(">\(tier.aboveTokens / 1_000)K: \(usd(tier.input)) / \(usd(tier.output))")
            }
            if let images = pricing.images, let each = images.price(size: nil, quality: nil) {
                parts.append("image \(usd(each))")
            }
            if let fees = pricing.requestFees {
                let perThousand = [fees.low, fees.medium, fees.high].map { usd($0.multiplied(by: 1_000)) }
                parts.append("fee/1K req " + perThousand.joined(separator: "/"))
            }
            return parts.joined(separator: "; ")
        }
    }
}
