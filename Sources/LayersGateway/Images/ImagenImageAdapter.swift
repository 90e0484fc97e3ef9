import LayersCore

/// Google Imagen 4 through the Gemini API:
/// `POST /v1beta/models/{model}:predict` with `x-goog-api-key` and
/// `{instances:[{prompt}], parameters:{sampleCount, aspectRatio}}`, answering
/// `{predictions:[{bytesBase64Encoded, mimeType}]}`. Images filtered by Google's safety checks are simply
/// missing (or carry `raiFilteredReason`); only returned images are billed, and none at all is a 400
/// `content_moderated`.
struct ImagenImageAdapter: ImageProviderAdapter {
    let http: UpstreamHTTPClient
    let endpoint: MediaEndpoint

    func generate(_ request: ImageGenerationRequest, spec: ImageModelSpec,
                  shape: ResolvedImageShape) async throws(MediaError) -> ImageAdapterOutput {
        let call = MediaHTTP(client: http, provider: "Google Imagen", model: request.model)
        var parameters = JSONObject()
        parameters["sampleCount"] = .number(JSONNumber(request.n))
        if let ratio = shape.aspectRatio { parameters["aspectRatio"] = .string(ratio.description) }
        for (key, value) in request.extra where parameters[key] == nil { parameters[key] = value }
        let body: JSONValue = ["instances": [["prompt": .string(request.prompt)]], "parameters": .object(parameters)]
        let json = try await call.json(url: "\(endpoint.baseURL)/v1beta/models/\(spec.upstreamModel):predict",
                                       headers: [HTTPHeader("x-goog-api-key", endpoint.apiKey ?? "")], body: body)
        let images = (json["predictions"]?.arrayValue ?? []).compactMap { prediction -> GeneratedImage? in
            guard let data = prediction["bytesBase64Encoded"]?.stringValue, !data.isEmpty else { return nil }
            return GeneratedImage(b64JSON: data, mimeType: prediction["mimeType"]?.stringValue ?? "image/png")
        }
        guard !images.isEmpty else {
            let reason = json["predictions"]?[0]?["raiFilteredReason"]?.stringValue
            throw MediaError(status: 400, type: "invalid_request_error", code: "content_moderated",
                             message: "Google Imagen returned no image for \(request.model)"
                                + (reason.map { ": \($0)" } ?? " (filtered by safety checks)") + "; nothing was charged")
        }
        return ImageAdapterOutput(images: images)
    }
}
