import Foundation
import LayersCore
import LayersCredits
import LayersModels

/// A registry entry in OpenAI's model-object shape (`id`, `object`, `created`, `owned_by`) plus what Layers
/// knows: kind, capabilities, context window, output limit and prices (exact decimal USD per 1M tokens).
enum ModelJSON {
    static func render(_ model: ModelInfo) -> JSONValue {
        var o = JSONObject()
        o["id"] = .string(model.id)
        o["object"] = "model"
        o["created"] = .number(JSONNumber(created(model.released)))
        o["owned_by"] = .string(model.provider.rawValue)
        o["name"] = .string(model.displayName)
        o["kind"] = .string(model.kind.rawValue)
        o["capabilities"] = .array(model.capabilities.sorted().map { .string($0.rawValue) })
        o["context_window"] = .number(JSONNumber(model.contextWindow))
        if let max = model.maxOutputTokens { o["max_output_tokens"] = .number(JSONNumber(max)) }
        if !model.aliases.isEmpty { o["aliases"] = .array(model.aliases.map(JSONValue.string)) }
        o["released"] = .string(model.released)
        if model.deprecated { o["deprecated"] = true }
        o["pricing"] = pricing(model.pricing)
        return .object(o)
    }

    static func pricing(_ p: ModelPricing) -> JSONValue {
        var o = JSONObject()
        o["unit"] = "usd_per_1m_tokens"
        o["input"] = .decimal(p.input.usdPerMillionString)
        o["output"] = .decimal(p.output.usdPerMillionString)
        if let v = p.cachedRead { o["cached_input"] = .decimal(v.usdPerMillionString) }
        if let v = p.cacheWrite5m { o["cache_write_5m"] = .decimal(v.usdPerMillionString) }
        if let v = p.cacheWrite1h { o["cache_write_1h"] = .decimal(v.usdPerMillionString) }
        if !p.longContextTiers.isEmpty {
            o["long_context"] = .array(p.longContextTiers.map { tier in
                ["above_tokens": .number(JSONNumber(tier.aboveTokens)),
                 "input": .decimal(tier.input.usdPerMillionString),
                 "output": .decimal(tier.output.usdPerMillionString)]
            })
        }
        if let fees = p.requestFees {
            o["request_fees_usd"] = ["low": .decimal(fees.low.decimalUSDString),
                                     "medium": .decimal(fees.medium.decimalUSDString),
                                     "high": .decimal(fees.high.decimalUSDString)]
        }
        if let images = p.images {
            if let per = images.perImage { o["per_image_usd"] = .decimal(per.decimalUSDString) }
            if let per = images.perMegapixel { o["per_megapixel_usd"] = .decimal(per.decimalUSDString) }
            if !images.sizes.isEmpty {
                o["image_sizes"] = .array(images.sizes.map { s in
                    var e: JSONObject = ["size": .string(s.size), "usd": .decimal(s.price.decimalUSDString)]
                    if let q = s.quality { e["quality"] = .string(q) }
                    return .object(e)
                })
            }
        }
        return .object(o)
    }

    /// Unix seconds of the first day of the release month ("YYYY-MM").
    static func created(_ released: String) -> Int {
        let parts = released.split(separator: "-").compactMap { Int($0) }
        guard parts.count >= 2 else { return 0 }
        var c = DateComponents()
        c.year = parts[0]
        c.month = parts[1]
        c.day = parts.count > 2 ? parts[2] : 1
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return Int(calendar.date(from: c)?.timeIntervalSince1970 ?? 0)
    }
}
