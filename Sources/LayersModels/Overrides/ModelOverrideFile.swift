import Foundation
import LayersCredits

/// The JSON shape of a model override file (see docs/models.md). Decoded loosely (every field
/// optional, prices as text) and validated by `ModelOverrideApplier`; members not named here are
/// rejected (`schema`).
struct ModelOverrideFile: Decodable {
    var models: [Entry]?
    var remove: [String]?

    enum CodingKeys: String, CodingKey, CaseIterable { case models, remove }

    /// Every member the file may hold.
    static let schema = OverrideSchema.object(CodingKeys.self, nested: [
        "models": .array(.object(Entry.CodingKeys.self, nested: [
            "pricing": .object(Pricing.CodingKeys.self, nested: [
                "long_context": .array(.object(LongContext.CodingKeys.self)),
                "request_fees_per_1k": .object(Fees.CodingKeys.self),
                "images": .object(Images.CodingKeys.self, nested: ["sizes": .array(.object(Size.CodingKeys.self))]),
            ]),
        ])),
    ])

    struct Entry: Decodable {
        var id: String?
        var provider: String?
        var displayName: String?
        var kind: String?
        var capabilities: [String]?
        var contextWindow: Int?
        var maxInputTokens: Int?
        var maxOutputTokens: Int?
        var pricing: Pricing?
        var released: String?
        var deprecated: Bool?
        var deprecationDate: String?
        var aliases: [String]?
        var upstreamName: String?
        var reasoningOnly: Bool?
        var notes: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case id, provider, kind, capabilities, pricing, released, deprecated, aliases, notes
            case displayName = "display_name"
            case contextWindow = "context_window"
            case maxInputTokens = "max_input_tokens"
            case maxOutputTokens = "max_output_tokens"
            case deprecationDate = "deprecation_date"
            case upstreamName = "upstream_name"
            case reasoningOnly = "reasoning_only"
        }
    }

    struct Pricing: Decodable {
        var input: DecimalText?
        var audioInput: DecimalText?
        var output: DecimalText?
        var cachedRead: DecimalText?
        var cacheWrite5m: DecimalText?
        var cacheWrite1h: DecimalText?
        var longContext: [LongContext]?
        var requestFeesPer1K: Fees?
        var perWebSearch: DecimalText?
        var images: Images?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case input, output, images
            case audioInput = "audio_input"
            case cachedRead = "cached_read"
            case cacheWrite5m = "cache_write_5m"
            case cacheWrite1h = "cache_write_1h"
            case longContext = "long_context"
            case requestFeesPer1K = "request_fees_per_1k"
            case perWebSearch = "per_web_search"
        }
    }

    struct LongContext: Decodable {
        var aboveTokens: Int?
        var input: DecimalText?
        var output: DecimalText?
        var cachedRead: DecimalText?
        var cacheWrite5m: DecimalText?
        var cacheWrite1h: DecimalText?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case input, output
            case aboveTokens = "above_tokens"
            case cachedRead = "cached_read"
            case cacheWrite5m = "cache_write_5m"
            case cacheWrite1h = "cache_write_1h"
        }
    }

    struct Fees: Decodable {
        var low: DecimalText?
        var medium: DecimalText?
        var high: DecimalText?

        enum CodingKeys: String, CodingKey, CaseIterable { case low, medium, high }
    }

    struct Images: Decodable {
        var perImage: DecimalText?
        var perMegapixel: DecimalText?
        var perAdditionalMegapixel: DecimalText?
        var sizes: [Size]?
        var defaultSize: String?
        var defaultQuality: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case sizes
            case perImage = "per_image"
            case perMegapixel = "per_megapixel"
            case perAdditionalMegapixel = "per_additional_megapixel"
            case defaultSize = "default_size"
            case defaultQuality = "default_quality"
        }
    }

    struct Size: Decodable {
        var size: String?
        var quality: String?
        var price: DecimalText?

        enum CodingKeys: String, CodingKey, CaseIterable { case size, quality, price }
    }
}

/// A money amount written in JSON either as a string ("0.075", exact) or as a number (0.075).
/// Numbers are read through `Decimal`, whose digits are exact for the short decimals prices use.
struct DecimalText: Decodable {
    var text: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) {
            text = string.trimmingCharacters(in: .whitespaces)
        } else if let whole = try? container.decode(Int64.self) {
            text = String(whole)
        } else if let decimal = try? container.decode(Decimal.self) {
            text = NSDecimalNumber(decimal: decimal).stringValue
        } else {
            throw DecodingError.typeMismatch(String.self, .init(codingPath: decoder.codingPath,
                                                                debugDescription: "expected a decimal string or number"))
        }
    }
}
