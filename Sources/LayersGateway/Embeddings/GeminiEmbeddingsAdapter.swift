import LayersCore
import LayersCredits

/// Gemini embeddings, translated both ways:
/// `POST /v1beta/models/{model}:batchEmbedContents` with
/// `{requests:[{model:"models/{model}", content:{parts:[{text}]}, outputDimensionality?, taskType?, title?}]}`
/// answering `{embeddings:[{values:[…]}]}`, returned as OpenAI's list. `dimensions` maps to
/// `outputDimensionality`; `task_type`/`title` in the body pass on as `taskType`/`title`. Values keep their
/// exact decimal text for `float`; for `base64` we encode them as float32 ourselves. Gemini's embedding API
/// reports no token count, so `prompt_tokens` is estimated (`EmbeddingTokenEstimate`) unless a
/// `usageMetadata.promptTokenCount` is present. Token-array input is refused (Gemini takes text only).
struct GeminiEmbeddingsAdapter: Sendable {
    let http: UpstreamHTTPClient
    let endpoint: MediaEndpoint

    func embed(_ request: EmbeddingsRequest, upstreamModel: String) async throws(MediaError) -> EmbeddingsResult {
        guard case .texts(let texts) = request.input else {
            throw .invalidRequest("token-array input is not supported by \(request.model); send text", param: "input",
                                  code: "unsupported_input")
        }
        let call = MediaHTTP(client: http, provider: "Gemini", model: request.model)
        let body = Self.requestBody(texts: texts, upstreamModel: upstreamModel, request: request)
        let json = try await call.json(url: "\(endpoint.baseURL)/v1beta/models/\(upstreamModel):batchEmbedContents",
                                       headers: [HTTPHeader("x-goog-api-key", endpoint.apiKey ?? "")], body: body)
        guard let embeddings = json["embeddings"]?.arrayValue, embeddings.count == texts.count else {
            throw .badUpstream(provider: "Gemini", model: request.model, "expected \(texts.count) embeddings")
        }
        let reported = json["usageMetadata"]?["promptTokenCount"]?.intValue
        let tokens = reported ?? EmbeddingTokenEstimate.tokens(request.input)
        let out = Self.openAIBody(embeddings: embeddings, model: request.model, format: request.encodingFormat,
                                  promptTokens: tokens)
        return EmbeddingsResult(body: out, usage: TokenUsage(promptTokens: tokens), usageEstimated: reported == nil,
                                servedBy: "google")
    }

    static func requestBody(texts: [String], upstreamModel: String, request: EmbeddingsRequest) -> JSONValue {
        let taskType = (request.json["task_type"] ?? request.json["taskType"])?.stringValue
        let title = request.json["title"]?.stringValue
        let requests: [JSONValue] = texts.map { text in
            var item: JSONObject = ["model": .string("models/\(upstreamModel)"),
                                    "content": ["parts": [["text": .string(text)]]]]
            if let dims = request.dimensions { item["outputDimensionality"] = .number(JSONNumber(dims)) }
            if let taskType { item["taskType"] = .string(taskType) }
            if let title { item["title"] = .string(title) }
            return .object(item)
        }
        return ["requests": .array(requests)]
    }

    static func openAIBody(embeddings: [JSONValue], model: String, format: EmbeddingEncodingFormat,
                           promptTokens: Int) -> JSONValue {
        var data: [JSONValue] = []
        data.reserveCapacity(embeddings.count)
        for (index, embedding) in embeddings.enumerated() {
            let values = embedding["values"]?.arrayValue ?? []
            let vector: JSONValue = format == .base64
                ? .string(EmbeddingVectorEncoding.base64(values))
                : .array(values)
            data.append(["object": "embedding", "index": .number(JSONNumber(index)), "embedding": vector])
        }
        return ["object": "list", "data": .array(data), "model": .string(model),
                "usage": ["prompt_tokens": .number(JSONNumber(promptTokens)),
                          "total_tokens": .number(JSONNumber(promptTokens))]]
    }
}
