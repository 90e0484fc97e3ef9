import LayersCore

/// OpenAI's `POST /images/generations` (gpt-image-1, dall-e-3), also spoken by Recraft and by any
/// OpenAI-compatible image endpoint.
///
/// gpt-image models always answer with `b64_json` and take no `response_format`; dall-e models and Recraft
/// take it. Unknown request fields in `extra` (e.g. `background`, `output_format`, `seed`) go through unchanged.
struct OpenAIImageAdapter: ImageProviderAdapter {
    let http: UpstreamHTTPClient
    let endpoint: MediaEndpoint
    /// Display name in errors ("OpenAI", "Recraft").
    let providerName: String

    func generate(_ request: ImageGenerationRequest, spec: ImageModelSpec,
                  shape: ResolvedImageShape) async throws(MediaError) -> ImageAdapterOutput {
        let call = MediaHTTP(client: http, provider: providerName, model: request.model)
        var body = JSONObject()
        body["model"] = .string(spec.upstreamModel)
        body["prompt"] = .string(request.prompt)
        body["n"] = .number(JSONNumber(request.n))
        if let size = shape.size {
            body["size"] = .string(size.description)
        } else if request.size?.lowercased() == "auto" {
            body["size"] = "auto"
        }
        if let quality = request.quality, !spec.qualities.isEmpty { body["quality"] = .string(quality) }
        if let style = request.style { body["style"] = .string(style) }
        if let user = request.user { body["user"] = .string(user) }
        let isGPTImage = spec.provider == .openAI && spec.upstreamModel.lowercased().hasPrefix("gpt-image")
        if !isGPTImage { body["response_format"] = .string(request.responseFormat.rawValue) }
        for (key, value) in request.extra where body[key] == nil { body[key] = value }

        let json = try await call.json(url: endpoint.baseURL + "/images/generations",
                                       headers: [HTTPHeader("authorization", "Bearer \(endpoint.apiKey ?? "")")],
                                       body: .object(body))
        guard let data = json["data"]?.arrayValue else {
            throw .badUpstream(provider: providerName, model: request.model, "no 'data' array")
        }
        let mime = json["output_format"]?.stringValue.map { "image/\($0)" }
        let images = data.compactMap { item -> GeneratedImage? in
            let b64 = item["b64_json"]?.stringValue
            let url = item["url"]?.stringValue
            guard b64 != nil || url != nil else { return nil }
            return GeneratedImage(b64JSON: b64, url: url, revisedPrompt: item["revised_prompt"]?.stringValue,
                                  mimeType: mime)
        }
        let usage = json["usage"]
        return ImageAdapterOutput(images: images,
                                  promptTokens: usage?["input_tokens"]?.intValue ?? 0,
                                  completionTokens: usage?["output_tokens"]?.intValue ?? 0)
    }
}
