import LayersCore
import LayersGateway

/// Reads an image request body into an ``ImageGenerationRequest``.
///
/// - OpenAI's shape (`POST /v1/images/generations`): `model`, `prompt`, `n`, `size`, `quality`,
///   `response_format` (`b64_json` default, or `url`), `style`, `user`, plus `aspect_ratio` as an extension.
/// - The original Layers' shape (`POST /api/v1/image`): `model`, `prompt`, `n` (default 1), `aspect_ratio`
///   (default `1:1` when no `size`), `size` (`WxH`, bucketed to a ratio for ratio-based models).
/// Any other field except `metadata` is passed on to the provider unchanged (e.g. `seed`, `output_format`).
enum ImageRequestParser {
    enum Shape: Sendable { case openAI, original }

    static let known: Set<String> = ["model", "prompt", "n", "size", "aspect_ratio", "quality", "response_format",
                                     "style", "user", "metadata", "stream"]

    static func parse(_ body: JSONValue, shape: Shape) throws -> ImageGenerationRequest {
        guard let object = body.objectValue else { throw LayersError.invalidJSON(detail: "the body must be a JSON object") }
        guard let model = object["model"]?.stringValue, !model.isEmpty else { throw LayersError.missingModel }
        guard let promptValue = object["prompt"], !promptValue.isNull else {
            throw LayersError.invalidRequest(message: "prompt is required", param: "prompt",
                                             code: "missing_required_parameter")
        }
        guard let prompt = promptValue.stringValue else {
            throw LayersError.invalidRequest(message: "prompt must be a string", param: "prompt")
        }
        var n = 1
        if let value = object["n"], !value.isNull {
            guard let parsed = value.intValue, parsed >= 1 else {
                throw LayersError.invalidRequest(message: "n must be a positive integer", param: "n")
            }
            n = parsed
        }
        let size = try string(object, "size")
        var aspectRatio = try string(object, "aspect_ratio")
        if shape == .original {
            // The original: `aspect_ratio` defaults to 1:1, and a `size` (bucketed) takes precedence over it.
            if size != nil { aspectRatio = nil } else if aspectRatio == nil { aspectRatio = "1:1" }
        }
        var format = ImageResponseFormat.b64JSON
        if let text = try string(object, "response_format") {
            guard let parsed = ImageResponseFormat(rawValue: text) else {
                throw LayersError.invalidRequest(message: "response_format must be 'b64_json' or 'url'",
                                                 param: "response_format")
            }
            format = parsed
        }
        if object["stream"]?.boolValue == true {
            throw LayersError.invalidRequest(message: "streaming image generation is not supported", param: "stream")
        }
        var extra = JSONObject()
        for (key, value) in object where !known.contains(key) { extra[key] = value }
        return ImageGenerationRequest(model: model, prompt: prompt, n: n, size: size, aspectRatio: aspectRatio,
                                      quality: try string(object, "quality"), responseFormat: format,
                                      style: try string(object, "style"), user: try string(object, "user"),
                                      extra: extra)
    }

    private static func string(_ object: JSONObject, _ key: String) throws -> String? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let text = value.stringValue else {
            throw LayersError.invalidRequest(message: "\(key) must be a string", param: key)
        }
        return text
    }
}
