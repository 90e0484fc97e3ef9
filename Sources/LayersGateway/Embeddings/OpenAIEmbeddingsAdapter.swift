import LayersCore
import LayersCredits

/// OpenAI's `POST /embeddings` (and any OpenAI-compatible one, e.g. the Vercel AI Gateway): the client's body
/// goes through with only `model` replaced; the answer comes back with `model` set to the gateway id and its
/// `usage.prompt_tokens` billed.
struct OpenAIEmbeddingsAdapter: Sendable {
    let http: UpstreamHTTPClient
    let endpoint: MediaEndpoint
    let providerName: String
    let servedBy: String

    func embed(_ request: EmbeddingsRequest, upstreamModel: String) async throws(MediaError) -> EmbeddingsResult {
        let call = MediaHTTP(client: http, provider: providerName, model: request.model)
        var body = request.json
        body["model"] = .string(upstreamModel)
        var json = try await call.json(url: endpoint.baseURL + "/embeddings",
                                       headers: [HTTPHeader("authorization", "Bearer \(endpoint.apiKey ?? "")")],
                                       body: body)
        guard json["data"]?.arrayValue != nil else {
            throw .badUpstream(provider: providerName, model: request.model, "no 'data' array")
        }
        json["model"] = .string(request.model)
        let reported = json["usage"]?["prompt_tokens"]?.intValue
        let tokens = reported ?? EmbeddingTokenEstimate.tokens(request.input)
        if reported == nil {
            json["usage"] = ["prompt_tokens": .number(JSONNumber(tokens)), "total_tokens": .number(JSONNumber(tokens))]
        }
        return EmbeddingsResult(body: json, usage: TokenUsage(promptTokens: tokens), usageEstimated: reported == nil,
                                servedBy: servedBy)
    }
}

/// A token estimate for providers that report none: about four UTF-8 bytes per token, at least one per input.
enum EmbeddingTokenEstimate {
    static func tokens(_ input: EmbeddingsInput) -> Int {
        switch input {
        case .texts(let texts): return texts.reduce(0) { $0 + max(1, ($1.utf8.count + 3) / 4) }
        case .tokens(let arrays): return arrays.reduce(0) { $0 + $1.count }
        }
    }
}
