import LayersCore

/// Gemini image models (`gemini-2.5-flash-image`, `gemini-3-pro-image`) through
/// `POST /v1beta/models/{model}:generateContent` with
/// `generationConfig.responseModalities = ["TEXT","IMAGE"]` and `imageConfig.aspectRatio`; images come back as
/// `inlineData` parts. One call makes one image, so `n` images are `n` calls. Token usage (`usageMetadata`) is
/// reported alongside the image count, since Google prices these models by output tokens.
struct GeminiImageAdapter: ImageProviderAdapter {
    let http: UpstreamHTTPClient
    let endpoint: MediaEndpoint

    func generate(_ request: ImageGenerationRequest, spec: ImageModelSpec,
                  shape: ResolvedImageShape) async throws(MediaError) -> ImageAdapterOutput {
        let call = MediaHTTP(client: http, provider: "Gemini", model: request.model)
        var generationConfig: JSONObject = ["responseModalities": ["TEXT", "IMAGE"]]
        if let ratio = shape.aspectRatio { generationConfig["imageConfig"] = ["aspectRatio": .string(ratio.description)] }
        for (key, value) in request.extra where generationConfig[key] == nil { generationConfig[key] = value }
        let body: JSONValue = [
            "contents": [["role": "user", "parts": [["text": .string(request.prompt)]]]],
            "generationConfig": .object(generationConfig),
        ]
        var output = ImageAdapterOutput(images: [])
        for _ in 0..<request.n {
            let json = try await call.json(url: "\(endpoint.baseURL)/v1beta/models/\(spec.upstreamModel):generateContent",
                                           headers: [HTTPHeader("x-goog-api-key", endpoint.apiKey ?? "")], body: body)
            let usage = json["usageMetadata"]
            output.promptTokens += usage?["promptTokenCount"]?.intValue ?? 0
            output.completionTokens += (usage?["candidatesTokenCount"]?.intValue ?? 0)
                + (usage?["thoughtsTokenCount"]?.intValue ?? 0)
            let candidate = json["candidates"]?[0]
            var found = false
            var text: String?
            for part in candidate?["content"]?["parts"]?.arrayValue ?? [] {
                if part["thought"]?.boolValue == true { continue }
                if let inline = part["inlineData"] ?? part["inline_data"], let data = inline["data"]?.stringValue {
                    output.images.append(GeneratedImage(b64JSON: data,
                                                        mimeType: (inline["mimeType"] ?? inline["mime_type"])?.stringValue))
                    found = true
                } else if let t = part["text"]?.stringValue {
                    text = (text ?? "") + t
                }
            }
            if !found {
                let reason = candidate?["finishReason"]?.stringValue ?? json["promptFeedback"]?["blockReason"]?.stringValue
                if let reason, reason != "STOP" {
                    throw MediaError(status: 400, type: "invalid_request_error", code: "content_moderated",
                                     message: "Gemini returned no image for \(request.model) (\(reason)); nothing was charged")
                }
                throw .badUpstream(provider: "Gemini", model: request.model,
                                   "no image in the answer" + (text.map { " (it said: \($0.prefix(200)))" } ?? ""))
            }
        }
        return output
    }
}
