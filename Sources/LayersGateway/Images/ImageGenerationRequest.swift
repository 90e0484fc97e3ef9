import LayersCore

/// How the client wants images back.
public enum ImageResponseFormat: String, Sendable, Hashable {
    /// Base64 bytes in `b64_json`.
    case b64JSON = "b64_json"
    /// A URL in `url` (a `data:` URL when the provider returned bytes, since the gateway stores nothing).
    case url
}

/// One image generation, provider-neutral (built from `/v1/images/generations` or `/api/v1/image`).
public struct ImageGenerationRequest: Sendable, Hashable {
    /// Gateway id (`bfl/flux-2-pro`).
    public var model: String
    /// The provider's name for it, when the registry knows it (otherwise derived from `model`).
    public var upstreamModel: String?
    public var prompt: String
    /// Number of images (1 by default).
    public var n: Int
    /// `WxH` or `auto`.
    public var size: String?
    /// `W:H`.
    public var aspectRatio: String?
    public var quality: String?
    public var responseFormat: ImageResponseFormat
    /// Recraft `style`, OpenAI `style` (dall-e-3).
    public var style: String?
    /// End-user id passed on where the provider takes one.
    public var user: String?
    /// Other provider-specific fields (e.g. `seed`, `output_format`, `background`) passed on unchanged.
    public var extra: JSONObject

    public init(model: String, prompt: String, n: Int = 1, size: String? = nil, aspectRatio: String? = nil,
                quality: String? = nil, responseFormat: ImageResponseFormat = .b64JSON, style: String? = nil,
                user: String? = nil, extra: JSONObject = JSONObject(), upstreamModel: String? = nil) {
        self.model = model
        self.upstreamModel = upstreamModel
        self.prompt = prompt
        self.n = n
        self.size = size
        self.aspectRatio = aspectRatio
        self.quality = quality
        self.responseFormat = responseFormat
        self.style = style
        self.user = user
        self.extra = extra
    }
}

/// One generated image.
public struct GeneratedImage: Sendable, Hashable {
    public var b64JSON: String?
    public var url: String?
    public var revisedPrompt: String?
    /// `image/png`, `image/jpeg`, … when known.
    public var mimeType: String?

    public init(b64JSON: String? = nil, url: String? = nil, revisedPrompt: String? = nil, mimeType: String? = nil) {
        self.b64JSON = b64JSON
        self.url = url
        self.revisedPrompt = revisedPrompt
        self.mimeType = mimeType
    }

    /// The OpenAI `data[]` entry.
    public var openAIJSON: JSONValue {
        var object = JSONObject()
        if let b64JSON { object["b64_json"] = .string(b64JSON) }
        if let url { object["url"] = .string(url) }
        if let revisedPrompt { object["revised_prompt"] = .string(revisedPrompt) }
        return .object(object)
    }
}
