import Foundation
import LayersCore
import LayersCredits
import LayersGateway

/// Answers image and embeddings requests of `lyr_test_` keys without any provider: deterministic, well-formed
/// results with the usage they would have cost (the caller charges nothing for test keys).
enum MediaSandbox {
    /// A valid 1×1 PNG (a red pixel), base64.
    static let pngBase64 =
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"

    /// The same checks as a live request, except that no provider needs to be configured.
    static func checkImages(_ request: ImageGenerationRequest, media: MediaServices) throws(MediaError) -> (ImageModelSpec, ResolvedImageShape) {
        var settings = MediaProviderSettings()
        let placeholder = MediaEndpoint(baseURL: "http://sandbox.invalid", apiKey: "sandbox")
        settings.openAI = placeholder
        settings.bfl = placeholder
        settings.gemini = placeholder
        settings.recraft = placeholder
        let service = ImageGenerationService(client: media.http, settings: settings, limits: media.images.limits)
        return try service.prepare(request)
    }

    static func images(_ request: ImageGenerationRequest, media: MediaServices) throws -> ImageGenerationResult {
        let (spec, shape) = try checkImages(request, media: media)
        let image: GeneratedImage = request.responseFormat == .url
            ? GeneratedImage(url: "data:image/png;base64," + pngBase64, mimeType: "image/png")
            : GeneratedImage(b64JSON: pngBase64, mimeType: "image/png")
        let quality = spec.qualities.isEmpty ? nil : request.quality?.lowercased()
        let usage = TokenUsage(promptTokens: max(1, request.prompt.utf8.count / 4), imageCount: request.n,
                               imageSize: shape.size?.description, imageQuality: quality)
        return ImageGenerationResult(images: Array(repeating: image, count: request.n), usage: usage, shape: shape,
                                     servedBy: "sandbox")
    }

    /// Deterministic unit vectors (by text), `dimensions` long (default 1536), in the requested encoding.
    static func embeddings(_ request: EmbeddingsRequest) -> EmbeddingsResult {
        let texts: [String]
        switch request.input {
        case .texts(let t): texts = t
        case .tokens(let arrays): texts = arrays.map { $0.map(String.init).joined(separator: " ") }
        }
        let dims = request.dimensions ?? 1536
        var data: [JSONValue] = []
        for (index, text) in texts.enumerated() {
            let seed = Double(text.utf8.reduce(0) { ($0 &* 31 &+ Int($1)) % 1_000_003 } + 1)
            var values = (0..<dims).map { sin(seed * Double($0 + 1)) }
            let norm = (values.reduce(0) { $0 + $1 * $1 }).squareRoot()
            if norm > 0 { values = values.map { $0 / norm } }
            let numbers = values.map { JSONValue.number(JSONNumber(decimalLiteral: String(format: "%.6f", $0)) ?? JSONNumber(0)) }
            let embedding: JSONValue = request.encodingFormat == .base64
                ? .string(EmbeddingVectorEncoding.base64(numbers)) : .array(numbers)
            data.append(["object": "embedding", "index": .number(JSONNumber(index)), "embedding": embedding])
        }
        let tokens: Int
        switch request.input {
        case .texts(let t): tokens = t.reduce(0) { $0 + max(1, ($1.utf8.count + 3) / 4) }
        case .tokens(let arrays): tokens = arrays.reduce(0) { $0 + $1.count }
        }
        let body: JSONValue = ["object": "list", "data": .array(data), "model": .string(request.model),
                               "usage": ["prompt_tokens": .number(JSONNumber(tokens)),
                                         "total_tokens": .number(JSONNumber(tokens))]]
        return EmbeddingsResult(body: body, usage: TokenUsage(promptTokens: tokens), usageEstimated: true,
                                servedBy: "sandbox")
    }
}
