/// The image APIs the gateway speaks.
public enum ImageProviderKind: String, Sendable, Hashable, CaseIterable {
    /// OpenAI `/images/generations` (gpt-image-1, dall-e-3).
    case openAI = "openai"
    /// Black Forest Labs FLUX: submit, poll, fetch.
    case bfl
    /// Google Imagen through the Gemini API's `:predict`.
    case imagen
    /// Gemini image models through `generateContent` with image output.
    case geminiImage = "gemini-image"
    /// Recraft's OpenAI-style `/images/generations`.
    case recraft
}

/// What one image model can do: which API it speaks, its upstream name, the sizes/ratios it takes, how many
/// images per request, and which qualities.
///
/// ```swift
/// let spec = ImageModelSpec.resolve("bfl/flux-2-pro")   // .bfl, "flux-2-pro", free dimensions
/// ```
public struct ImageModelSpec: Sendable, Hashable {
    /// Gateway id, `provider/model`.
    public var id: String
    public var provider: ImageProviderKind
    /// The provider's own name for the model (path segment for BFL, `model` field elsewhere).
    public var upstreamModel: String
    public var sizeRule: ImageSizeRule
    /// Most images one request may ask for.
    public var maxImages: Int
    /// Accepted `quality` values; empty means the model takes none (the field is then ignored).
    public var qualities: [String]
    /// The model answers with a URL rather than bytes.
    public var returnsURL: Bool

    public init(id: String, provider: ImageProviderKind, upstreamModel: String, sizeRule: ImageSizeRule,
                maxImages: Int, qualities: [String] = [], returnsURL: Bool = false) {
        self.id = id
        self.provider = provider
        self.upstreamModel = upstreamModel
        self.sizeRule = sizeRule
        self.maxImages = maxImages
        self.qualities = qualities
        self.returnsURL = returnsURL
    }

    /// The spec for a gateway id (`openai/…`, `bfl/…`, `google/imagen-…`, `google/gemini-…-image…`,
    /// `recraft/…`); nil when the id names no image API we speak. `upstreamName` (the registry's) replaces
    /// the name derived from the id.
    public static func resolve(_ id: String, upstreamName: String?) -> ImageModelSpec? {
        guard var spec = resolve(id) else { return nil }
        if let upstreamName, !upstreamName.isEmpty { spec.upstreamModel = upstreamName }
        return spec
    }

    /// The spec for a gateway id, with the upstream name derived from the id.
    public static func resolve(_ id: String) -> ImageModelSpec? {
        guard let slash = id.firstIndex(of: "/") else { return nil }
        let provider = id[..<slash].lowercased()
        let name = String(id[id.index(after: slash)...])
        let lower = name.lowercased()
        switch provider {
        case "openai":
            if lower.hasPrefix("dall-e-3") {
                return ImageModelSpec(id: id, provider: .openAI, upstreamModel: name,
                                      sizeRule: .sizes(dims("1024x1024", "1792x1024", "1024x1792"), allowsAuto: false),
                                      maxImages: 1, qualities: ["standard", "hd"])
            }
            if lower.hasPrefix("dall-e-2") {
                return ImageModelSpec(id: id, provider: .openAI, upstreamModel: name,
                                      sizeRule: .sizes(dims("256x256", "512x512", "1024x1024"), allowsAuto: false),
                                      maxImages: 10)
            }
            return ImageModelSpec(id: id, provider: .openAI, upstreamModel: name,
                                  sizeRule: .sizes(dims("1024x1024", "1536x1024", "1024x1536"), allowsAuto: true),
                                  maxImages: 10, qualities: ["low", "medium", "high", "auto"])
        case "bfl":
            let rule: ImageSizeRule
            if lower.hasPrefix("flux-2") {
                rule = .dimensions(minimum: 64, maximum: 4096, multiple: 16, maxPixels: 4_194_304)
            } else if lower.contains("ultra") || lower.contains("kontext") {
                rule = .aspectRatios(ratios("21:9", "16:9", "3:2", "4:3", "5:4", "1:1", "4:5", "3:4", "2:3", "9:16", "9:21"))
            } else {
                rule = .dimensions(minimum: 256, maximum: 1440, multiple: 32, maxPixels: 1440 * 1440)
            }
            return ImageModelSpec(id: id, provider: .bfl, upstreamModel: name, sizeRule: rule, maxImages: 4,
                                  returnsURL: true)
        case "google":
            if lower.hasPrefix("imagen") {
                return ImageModelSpec(id: id, provider: .imagen, upstreamModel: name,
                                      sizeRule: .aspectRatios(ratios("1:1", "3:4", "4:3", "9:16", "16:9")),
                                      maxImages: 4)
            }
            if lower.hasPrefix("gemini"), lower.contains("image") {
                return ImageModelSpec(id: id, provider: .geminiImage, upstreamModel: name,
                                      sizeRule: .aspectRatios(ratios("1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4",
                                                                     "9:16", "16:9", "21:9")),
                                      maxImages: 4)
            }
            return nil
        case "recraft":
            let upstream = recraftName(lower)
            let sizes: [ImageDimensions]
            if upstream.hasPrefix("recraftv4") {
                sizes = dims("1024x1024", "1536x768", "768x1536", "1280x832", "832x1280", "1216x896", "896x1216",
                             "1152x896", "896x1152", "832x1344", "1280x896", "896x1280", "1344x768", "768x1344")
            } else {
                sizes = dims("1024x1024", "1365x1024", "1024x1365", "1536x1024", "1024x1536", "1820x1024", "1024x1820",
                             "1024x2048", "2048x1024", "1434x1024", "1024x1434", "1024x1280", "1280x1024",
                             "1024x1707", "1707x1024")
            }
            return ImageModelSpec(id: id, provider: .recraft, upstreamModel: upstream,
                                  sizeRule: .sizes(sizes, allowsAuto: false), maxImages: 6, returnsURL: true)
        default:
            return nil
        }
    }

    /// Our ids use dashes (`recraft-v3`, `recraft-v4-pro`); Recraft's API names are `recraftv3`, `recraftv4_pro`.
    static func recraftName(_ name: String) -> String {
        guard name.hasPrefix("recraft-") else { return name }
        let rest = name.dropFirst("recraft-".count).map { $0 == "-" ? "_" : $0 }
        return "recraft" + String(rest)
    }

    private static func dims(_ items: String...) -> [ImageDimensions] { items.compactMap(ImageDimensions.init(parsing:)) }
    private static func ratios(_ items: String...) -> [ImageAspectRatio] { items.compactMap(ImageAspectRatio.init(parsing:)) }
}
