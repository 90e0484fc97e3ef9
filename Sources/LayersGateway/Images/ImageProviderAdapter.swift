import LayersCore

/// What an image adapter hands back before response-format conversion: images (bytes or URLs) and any token
/// usage the provider reported.
struct ImageAdapterOutput: Sendable {
    var images: [GeneratedImage]
    var promptTokens: Int = 0
    var completionTokens: Int = 0
}

/// One image API. Each adapter turns the checked request into its provider's calls.
protocol ImageProviderAdapter: Sendable {
    func generate(_ request: ImageGenerationRequest, spec: ImageModelSpec,
                  shape: ResolvedImageShape) async throws(MediaError) -> ImageAdapterOutput
}

/// `data:<mime>;base64,<data>` split into its parts.
struct ImageDataURL: Sendable, Hashable {
    var mimeType: String
    var base64: String

    init?(_ text: String) {
        guard text.hasPrefix("data:"), let comma = text.firstIndex(of: ",") else { return nil }
        let header = text[text.index(text.startIndex, offsetBy: 5)..<comma]
        guard header.hasSuffix(";base64") else { return nil }
        mimeType = String(header.dropLast(";base64".count))
        base64 = String(text[text.index(after: comma)...])
    }

    static func make(mimeType: String?, base64: String) -> String {
        "data:\(mimeType ?? "image/png");base64,\(base64)"
    }
}
