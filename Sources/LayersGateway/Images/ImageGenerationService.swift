import Foundation
import LayersCore
import LayersCredits

/// Limits on image requests (the original Layers: prompt ≤ 10,000 characters, `n` ≤ 4).
public struct ImageLimits: Sendable, Hashable {
    public var maxPromptCharacters: Int
    public var maxImagesPerRequest: Int

    public init(maxPromptCharacters: Int = 10_000, maxImagesPerRequest: Int = 4) {
        self.maxPromptCharacters = maxPromptCharacters
        self.maxImagesPerRequest = maxImagesPerRequest
    }
}

/// Generates images for any supported model: checks the request against the model (`ImageModelSpec`), picks
/// the provider's own API when its key is set and the Vercel AI Gateway otherwise, and returns the images in
/// the requested format with the usage to bill.
///
/// ```swift
/// let service = ImageGenerationService(client: UpstreamHTTPClient(),
///                                      settings: MediaProviderSettings(environment: env))
/// let result = try await service.generate(ImageGenerationRequest(model: "bfl/flux-2-pro", prompt: "a red fox"))
/// ```
public struct ImageGenerationService: Sendable {
    public let client: UpstreamHTTPClient
    public let settings: MediaProviderSettings
    public let limits: ImageLimits

    public init(client: UpstreamHTTPClient, settings: MediaProviderSettings, limits: ImageLimits = ImageLimits()) {
        self.client = client
        self.settings = settings
        self.limits = limits
    }

    /// Checks a request without calling anyone: the model's spec and the shape to ask for. Throws the 400s
    /// (prompt, `n`, quality, size, aspect ratio) and the 503 for an unconfigured provider.
    public func prepare(_ request: ImageGenerationRequest) throws(MediaError) -> (ImageModelSpec, ResolvedImageShape) {
        guard let spec = ImageModelSpec.resolve(request.model, upstreamName: request.upstreamModel) else {
            throw .invalidRequest("model '\(request.model)' is not an image generation model", param: "model",
                                  code: "model_not_image_capable")
        }
        let prompt = request.prompt.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !prompt.isEmpty else { throw .invalidRequest("prompt is required", param: "prompt", code: "missing_prompt") }
        guard request.prompt.count <= limits.maxPromptCharacters else {
            throw .invalidRequest("prompt is \(request.prompt.count) characters; the maximum is \(limits.maxPromptCharacters)",
                                  param: "prompt", code: "prompt_too_long")
        }
        let maxImages = min(limits.maxImagesPerRequest, spec.maxImages)
        guard request.n >= 1, request.n <= maxImages else {
            throw .invalidRequest("n must be between 1 and \(maxImages) for \(request.model)", param: "n",
                                  code: "invalid_n")
        }
        if let quality = request.quality, !spec.qualities.isEmpty, !spec.qualities.contains(quality.lowercased()) {
            throw .invalidRequest("quality '\(quality)' is not supported by \(request.model); supported: \(spec.qualities.joined(separator: ", "))",
                                  param: "quality", code: "unsupported_quality")
        }
        let shape = try spec.sizeRule.resolve(size: request.size, aspectRatio: request.aspectRatio, model: request.model)
        _ = try route(for: spec)
        return (spec, shape)
    }

    /// Generates the images. Failures (moderation, a BFL deadline, provider errors) throw and return nothing,
    /// so nothing is billed.
    public func generate(_ request: ImageGenerationRequest) async throws(MediaError) -> ImageGenerationResult {
        let (spec, shape) = try prepare(request)
        let (adapter, servedBy) = try route(for: spec)
        let output = try await adapter.generate(request, spec: spec, shape: shape)
        var images: [GeneratedImage] = []
        let fetcher = MediaHTTP(client: client, provider: servedBy, model: request.model)
        for image in output.images {
            images.append(try await convert(image, to: request.responseFormat, fetcher: fetcher))
        }
        let quality = spec.qualities.isEmpty ? nil : request.quality?.lowercased()
        let usage = TokenUsage(promptTokens: output.promptTokens, completionTokens: output.completionTokens,
                               imageCount: images.count, imageSize: shape.size?.description, imageQuality: quality)
        return ImageGenerationResult(images: images, usage: usage, shape: shape, servedBy: servedBy)
    }

    func route(for spec: ImageModelSpec) throws(MediaError) -> (any ImageProviderAdapter, String) {
        let direct: (MediaEndpoint, String, String)
        switch spec.provider {
        case .openAI: direct = (settings.openAI, "OpenAI", "OPENAI_API_KEY")
        case .bfl: direct = (settings.bfl, "BFL", "BFL_API_KEY")
        case .imagen, .geminiImage: direct = (settings.gemini, "Google", "GEMINI_API_KEY")
        case .recraft: direct = (settings.recraft, "Recraft", "RECRAFT_API_KEY")
        }
        if direct.0.isConfigured {
            switch spec.provider {
            case .openAI: return (OpenAIImageAdapter(http: client, endpoint: direct.0, providerName: "OpenAI"), "openai")
            case .recraft: return (OpenAIImageAdapter(http: client, endpoint: direct.0, providerName: "Recraft"), "recraft")
            case .bfl:
                return (BFLImageAdapter(http: client, endpoint: direct.0, pollInterval: settings.bflPollInterval,
                                        deadline: settings.bflDeadline), "bfl")
            case .imagen: return (ImagenImageAdapter(http: client, endpoint: direct.0), "google")
            case .geminiImage: return (GeminiImageAdapter(http: client, endpoint: direct.0), "google")
            }
        }
        if settings.aiGateway.isConfigured {
            return (AIGatewayImageAdapter(http: client, endpoint: settings.aiGateway), "ai-gateway")
        }
        throw .notConfigured(provider: direct.1, model: spec.id, keyVariable: direct.2)
    }

    /// Bytes when the client wants `b64_json` (downloading a URL result), a URL when it wants `url` (a data URL
    /// for byte results: the gateway stores no images).
    private func convert(_ image: GeneratedImage, to format: ImageResponseFormat,
                         fetcher: MediaHTTP) async throws(MediaError) -> GeneratedImage {
        var image = image
        switch format {
        case .b64JSON:
            if image.b64JSON == nil, let url = image.url {
                if let data = ImageDataURL(url) {
                    image.b64JSON = data.base64
                    image.mimeType = data.mimeType
                } else {
                    let (bytes, contentType) = try await fetcher.bytes(url: url)
                    image.b64JSON = Data(bytes).base64EncodedString()
                    image.mimeType = contentType ?? image.mimeType
                }
                image.url = nil
            }
        case .url:
            if image.url == nil, let b64 = image.b64JSON {
                image.url = ImageDataURL.make(mimeType: image.mimeType, base64: b64)
                image.b64JSON = nil
            }
        }
        return image
    }
}
