import Foundation

/// One entry of a per-size (and optionally per-quality) image price list.
public struct ImageSizePrice: Sendable, Hashable, Codable {
    /// "1024x1024", "1024x1536", ...
    public var size: String
    /// "standard", "hd", "low", "medium", "high"; nil when the price does not depend on quality.
    public var quality: String?
    /// Price of one image.
    public var price: Picodollars

    public init(size: String, quality: String? = nil, price: Picodollars) {
        self.size = size
        self.quality = quality
        self.price = price
    }
}

/// How a model prices generated images.
///
/// Lookup order for a requested size and quality (`price(size:quality:)`; "auto" or a missing
/// size/quality means `defaultSize` / `defaultQuality`):
/// 1. an exact size + quality entry in `sizes`;
/// 2. an entry for that size without quality;
/// 3. megapixel pricing (BFL FLUX.2): `perMegapixel` for the first megapixel plus
///    `perAdditionalMegapixel` for each further STARTED megapixel, where one megapixel is
///    1024 × 1024 = 1,048,576 pixels (so 1024x1024 is exactly 1 MP and 1440x1440, 1.98 MP,
///    bills as 2 MP, as BFL's own `cost` field does);
/// 4. `perImage` (a flat price);
/// otherwise nil: the size is not one this model prices. `CreditCalculator` then bills the
/// most expensive listed price (`maximumListedPrice`), so an image is never free.
public struct ImagePricing: Sendable, Hashable, Codable {
    /// Pixels in one billing megapixel (1024 × 1024).
    public static let pixelsPerMegapixel: Int64 = 1_048_576

    /// Flat price per image, whatever its size.
    public var perImage: Picodollars?
    /// Price of the first megapixel (BFL FLUX.2).
    public var perMegapixel: Picodollars?
    /// Price of each further started megapixel; nil means the same as `perMegapixel`.
    public var perAdditionalMegapixel: Picodollars?
    /// Per-size (and per-quality) prices (OpenAI gpt-image-1, dall-e-3).
    public var sizes: [ImageSizePrice]
    /// Size assumed when the request names none ("1024x1024").
    public var defaultSize: String?
    /// Quality assumed when the request names none ("standard", "high").
    public var defaultQuality: String?

    public init(perImage: Picodollars? = nil, perMegapixel: Picodollars? = nil,
                perAdditionalMegapixel: Picodollars? = nil, sizes: [ImageSizePrice] = [],
                defaultSize: String? = nil, defaultQuality: String? = nil) {
        self.perImage = perImage
        self.perMegapixel = perMegapixel
        self.perAdditionalMegapixel = perAdditionalMegapixel
        self.sizes = sizes
        self.defaultSize = defaultSize
        self.defaultQuality = defaultQuality
    }

    /// A flat price per image.
    public static func flat(_ price: Picodollars) -> ImagePricing { ImagePricing(perImage: price) }

    /// The price of one image of `size` at `quality`, or nil when this pricing cannot price it.
    public func price(size: String?, quality: String?) -> Picodollars? {
        let wanted = Self.normalised(size) ?? Self.normalised(defaultSize)
        let wantedQuality = Self.normalised(quality) ?? Self.normalised(defaultQuality)
        if let wanted {
            let atSize = sizes.filter { $0.size.lowercased() == wanted }
            if let exact = atSize.first(where: { $0.quality?.lowercased() == wantedQuality }) { return exact.price }
            if let any = atSize.first(where: { $0.quality == nil }) { return any.price }
            if let first = perMegapixel, let pixels = Self.pixelCount(of: wanted) {
                let megapixels = (pixels + Self.pixelsPerMegapixel - 1) / Self.pixelsPerMegapixel
                let extra = (perAdditionalMegapixel ?? first).multiplied(by: max(0, megapixels - 1))
                return first.saturatingAdding(extra)
            }
        }
        if let perImage { return perImage }
        if let first = perMegapixel, wanted.flatMap(Self.pixelCount(of:)) == nil { return first }
        return nil
    }

    /// True when `price(size:quality:)` can price this size (any quality).
    public func supports(size: String) -> Bool {
        price(size: size, quality: nil) != nil
            || sizes.contains { $0.size.lowercased() == size.lowercased() }
    }

    /// The highest price this pricing lists (flat, first megapixel, or any size entry).
    public var maximumListedPrice: Picodollars {
        var candidates = sizes.map(\.price)
        if let perImage { candidates.append(perImage) }
        if let perMegapixel { candidates.append(perMegapixel) }
        return candidates.max() ?? .zero
    }

    /// W × H for "WxH" text ("1024x1536"), nil for anything else ("1K", "auto").
    public static func pixelCount(of size: String) -> Int64? {
        let parts = size.lowercased().split(separator: "x")
        guard parts.count == 2, let width = Int64(parts[0]), let height = Int64(parts[1]),
              width > 0, height > 0, width <= 100_000, height <= 100_000 else { return nil }
        return width * height
    }

    private static func normalised(_ text: String?) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespaces).lowercased(), !text.isEmpty, text != "auto" else {
            return nil
        }
        return text
    }
}
