/// How a model takes the shape of its output, and so which sizes and ratios it can do.
public enum ImageSizeRule: Sendable, Hashable {
    /// A fixed list of `WxH` sizes (OpenAI, Recraft). `allowsAuto` accepts `size: "auto"`.
    case sizes([ImageDimensions], allowsAuto: Bool)
    /// A fixed list of aspect ratios (Imagen, Gemini image models, FLUX ultra/kontext).
    case aspectRatios([ImageAspectRatio])
    /// Free width and height within bounds, rounded to a multiple (FLUX.2, FLUX 1.1 pro).
    case dimensions(minimum: Int, maximum: Int, multiple: Int, maxPixels: Int)
    /// Unknown model: whatever was asked is passed on.
    case unrestricted
}

/// The shape to ask a provider for, after checking the request against the model's `ImageSizeRule`.
public struct ResolvedImageShape: Sendable, Hashable {
    /// Pixel size to send (size-based providers) and to price by; nil when only a ratio applies.
    public var size: ImageDimensions?
    /// Aspect ratio to send (ratio-based providers).
    public var aspectRatio: ImageAspectRatio?

    public init(size: ImageDimensions? = nil, aspectRatio: ImageAspectRatio? = nil) {
        self.size = size
        self.aspectRatio = aspectRatio
    }
}

extension ImageSizeRule {
    /// Checks a requested `size` (`WxH` or `auto`) and/or `aspect_ratio` (`W:H`) against this rule.
    ///
    /// - Fixed sizes: `size` must be listed; an aspect ratio picks the listed size with exactly that ratio, or
    ///   whose bucketed ratio (see `ImageAspectRatio.bucketed`) is that ratio.
    /// - Aspect ratios: `aspect_ratio` must be listed; a `size` uses its exact ratio when listed, otherwise the
    ///   original Layers' bucketing, which must then be listed.
    /// - Dimensions: `size` must fall within the bounds (each side rounded to the nearest multiple); an aspect
    ///   ratio becomes a size of about one megapixel.
    /// Anything the model cannot do is a 400 that lists what it can.
    public func resolve(size sizeText: String?, aspectRatio ratioText: String?,
                        model: String) throws(MediaError) -> ResolvedImageShape {
        let size = try Self.parseSize(sizeText, model: model)
        let ratio = try Self.parseRatio(ratioText, model: model)
        switch self {
        case .unrestricted:
            return ResolvedImageShape(size: size, aspectRatio: ratio ?? size.map(ImageAspectRatio.bucketed))

        case .sizes(let sizes, let allowsAuto):
            if sizeText?.lowercased() == "auto" {
                guard allowsAuto else {
                    throw .invalidRequest("size 'auto' is not supported by \(model); supported sizes: \(Self.list(sizes))",
                                          param: "size", code: "unsupported_size")
                }
                return ResolvedImageShape()
            }
            if let size {
                guard sizes.contains(size) else {
                    throw .invalidRequest("size '\(size)' is not supported by \(model); supported sizes: \(Self.list(sizes))",
                                          param: "size", code: "unsupported_size")
                }
                return ResolvedImageShape(size: size, aspectRatio: size.aspectRatio)
            }
            if let ratio {
                let match = sizes.first { $0.aspectRatio == ratio }
                    ?? sizes.first { ImageAspectRatio.bucketed($0) == ratio }
                guard let match else {
                    let ratios = sizes.map { $0.aspectRatio.description }
                    throw .invalidRequest(
                        "aspect_ratio '\(ratio)' is not supported by \(model); supported sizes: \(Self.list(sizes)) (ratios \(ratios.joined(separator: ", ")))",
                        param: "aspect_ratio", code: "unsupported_aspect_ratio")
                }
                return ResolvedImageShape(size: match, aspectRatio: match.aspectRatio)
            }
            return ResolvedImageShape(size: sizes.first, aspectRatio: sizes.first?.aspectRatio)

        case .aspectRatios(let ratios):
            let supported = ratios.map(\.description).joined(separator: ", ")
            if let ratio {
                guard let listed = ratios.first(where: { $0 == ratio }) else {
                    throw .invalidRequest("aspect_ratio '\(ratio)' is not supported by \(model); supported: \(supported)",
                                          param: "aspect_ratio", code: "unsupported_aspect_ratio")
                }
                return ResolvedImageShape(size: size, aspectRatio: listed)
            }
            if let size {
                if let listed = ratios.first(where: { $0 == size.aspectRatio }) {
                    return ResolvedImageShape(size: size, aspectRatio: listed)
                }
                let bucket = ImageAspectRatio.bucketed(size)
                guard ratios.contains(bucket) else {
                    throw .invalidRequest(
                        "size '\(size)' (bucketed to \(bucket)) is not supported by \(model); supported aspect ratios: \(supported)",
                        param: "size", code: "unsupported_size")
                }
                return ResolvedImageShape(size: size, aspectRatio: bucket)
            }
            let first = ratios.contains(.square) ? ImageAspectRatio.square : ratios.first
            return ResolvedImageShape(aspectRatio: first)

        case .dimensions(let minimum, let maximum, let multiple, let maxPixels):
            let bounds = "each side \(minimum)–\(maximum) px, at most \(maxPixels / 1_000_000) MP"
            if let size {
                let rounded = ImageDimensions(width: Self.round(size.width, to: multiple),
                                              height: Self.round(size.height, to: multiple))
                guard rounded.width >= minimum, rounded.height >= minimum,
                      rounded.width <= maximum, rounded.height <= maximum, rounded.pixelCount <= maxPixels else {
                    throw .invalidRequest("size '\(size)' is not supported by \(model): \(bounds)",
                                          param: "size", code: "unsupported_size")
                }
                return ResolvedImageShape(size: rounded, aspectRatio: rounded.aspectRatio)
            }
            let ratio = ratio ?? .square
            let value = ratio.value
            guard value >= 0.2, value <= 5 else {
                throw .invalidRequest("aspect_ratio '\(ratio)' is not supported by \(model): ratios 1:5 to 5:1",
                                      param: "aspect_ratio", code: "unsupported_aspect_ratio")
            }
            let width = (1_000_000 * value).squareRoot()
            var dims = ImageDimensions(width: Self.round(Int(width), to: multiple),
                                       height: Self.round(Int(width / value), to: multiple))
            dims.width = min(max(dims.width, minimum), maximum)
            dims.height = min(max(dims.height, minimum), maximum)
            return ResolvedImageShape(size: dims, aspectRatio: ratio)
        }
    }

    static func parseSize(_ text: String?, model: String) throws(MediaError) -> ImageDimensions? {
        guard let text, !text.isEmpty, text.lowercased() != "auto" else { return nil }
        guard let size = ImageDimensions(parsing: text) else {
            throw .invalidRequest("size '\(text)' for \(model) is not a size: use WIDTHxHEIGHT, e.g. 1024x1024",
                                  param: "size", code: "invalid_size")
        }
        return size
    }

    static func parseRatio(_ text: String?, model: String) throws(MediaError) -> ImageAspectRatio? {
        guard let text, !text.isEmpty else { return nil }
        guard let ratio = ImageAspectRatio(parsing: text) else {
            throw .invalidRequest("aspect_ratio '\(text)' for \(model) is not a ratio: use W:H, e.g. 16:9",
                                  param: "aspect_ratio", code: "invalid_aspect_ratio")
        }
        return ratio
    }

    static func round(_ value: Int, to multiple: Int) -> Int {
        guard multiple > 1 else { return value }
        return ((value + multiple / 2) / multiple) * multiple
    }

    static func list(_ sizes: [ImageDimensions]) -> String { sizes.map(\.description).joined(separator: ", ") }
}
