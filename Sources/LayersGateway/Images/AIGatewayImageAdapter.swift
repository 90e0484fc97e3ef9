import LayersCore

/// Any image model through the Vercel AI Gateway (`https://ai-gateway.vercel.sh/v1`), used when the model's own
/// provider has no key: `POST /chat/completions` with the `provider/model` id and `modalities: ["image"]`;
/// images come back in `choices[0].message.images[].image_url.url` as data URLs. One call per image.
/// The size or aspect ratio is passed as `size`/`aspect_ratio` fields, which the gateway may ignore.
struct AIGatewayImageAdapter: ImageProviderAdapter {
    let http: UpstreamHTTPClient
    let endpoint: MediaEndpoint

    func generate(_ request: ImageGenerationRequest, spec: ImageModelSpec,
                  shape: ResolvedImageShape) async throws(MediaError) -> ImageAdapterOutput {
        let call = MediaHTTP(client: http, provider: "AI Gateway", model: request.model)
        var body: JSONObject = [
            "model": .string(request.model),
            "messages": [["role": "user", "content": .string(request.prompt)]],
            "modalities": ["image"],
            "stream": false,
        ]
        if let size = shape.size { body["size"] = .string(size.description) }
        if let ratio = shape.aspectRatio { body["aspect_ratio"] = .string(ratio.description) }
        var output = ImageAdapterOutput(images: [])
        for _ in 0..<request.n {
            let json = try await call.json(url: endpoint.baseURL + "/chat/completions",
                                           headers: [HTTPHeader("authorization", "Bearer \(endpoint.apiKey ?? "")")],
                                           body: .object(body))
            output.promptTokens += json["usage"]?["prompt_tokens"]?.intValue ?? 0
            output.completionTokens += json["usage"]?["completion_tokens"]?.intValue ?? 0
            let images = json["choices"]?[0]?["message"]?["images"]?.arrayValue ?? []
            for image in images {
                guard let url = (image["image_url"]?["url"] ?? image["url"])?.stringValue else { continue }
                if let data = ImageDataURL(url) {
                    output.images.append(GeneratedImage(b64JSON: data.base64, mimeType: data.mimeType))
                } else {
                    output.images.append(GeneratedImage(url: url))
                }
            }
        }
        guard !output.images.isEmpty else {
            throw .badUpstream(provider: "AI Gateway", model: request.model, "no image in the answer")
        }
        return output
    }
}
