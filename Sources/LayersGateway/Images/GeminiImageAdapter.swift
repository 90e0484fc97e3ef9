import LayersCore

/// Gemini image models (`gemini-2.5-flash-image`, `gemini-3-pro-image`) through
/// `POST /v1beta/models/{model}:generateContent` with
/// `generationConfig.responseModalities = ["TEXT","IMAGE"]` and `imageConfig.aspectRatio`; images come back as
/// `inlineData` parts. One call makes one image, so `n` images are `n` calls. The image is billed per image
/// (`imageCount`); prompt tokens and any text/thinking output tokens are reported as tokens, with the image's
/// own output tokens taken out so they are not billed twice.
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
            let candidate = json["candidates"]?[0]
            var found = false
            defer {
                output.promptTokens += usage?["promptTokenCount"]?.intValue ?? 0
                output.completionTokens += Self.textOutputTokens(usage, images: found ? 1 : 0)
            }
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

    /// Output tokens other than the image's own (billed per image, not per token): candidates plus thoughts,
    /// minus the IMAGE-modality tokens (from `candidatesTokensDetails`, or 1,290 per image when not itemised).
    static func textOutputTokens(_ usage: JSONValue?, images: Int) -> Int {
        let candidates = usage?["candidatesTokenCount"]?.intValue ?? 0
        let thoughts = usage?["thoughtsTokenCount"]?.intValue ?? 0
        let imageTokens: Int
        if let details = usage?["candidatesTokensDetails"]?.arrayValue {
            imageTokens = details.filter { $0["modality"]?.stringValue == "IMAGE" }
                .reduce(0) { $0 + ($1["tokenCount"]?.intValue ?? 0) }
        } else {
            imageTokens = min(candidates, 1290 * images)
        }
        return max(0, candidates - imageTokens) + thoughts
    }
}
