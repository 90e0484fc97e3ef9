import LayersCore
import LayersModels

/// `/v1/messages/count_tokens` for Gemini models: Gemini's own `POST /v1beta/models/{model}:countTokens`, with the
/// translated request (built exactly as the Gemini adapter builds `generateContent`) wrapped in
/// `generateContentRequest`, so system instruction and tools are counted too.
///
/// ```swift
/// let tokens = try await GeminiTokenCounter.count(openAIRequest: body, model: model, endpoint: google, http: http)
/// ```
public enum GeminiTokenCounter {
    /// Gemini's `totalTokens` for an OpenAI-shaped chat request. Throws `LayersError` (provider errors mapped as
    /// for chat; transport failures as provider errors or timeouts).
    public static func count(openAIRequest: JSONValue, model: ModelInfo, endpoint: ProviderEndpoint,
                             http: UpstreamHTTPClient) async throws -> Int {
        guard case .object(let request) = openAIRequest else {
            throw LayersError.invalidJSON(detail: "the body must be a JSON object")
        }
        let generate = try GeminiRequestBuilder.build(request, model: model)
        var wrapped = JSONObject()
        wrapped["model"] = .string("models/" + model.upstreamName)
        for key in ["contents", "systemInstruction", "tools"] where generate[key] != nil { wrapped[key] = generate[key] }
        let body: JSONValue = ["generateContentRequest": .object(wrapped)]
        var headers = [HTTPHeader("content-type", "application/json"), HTTPHeader("accept", "application/json")]
        if let key = endpoint.apiKey { headers.append(HTTPHeader("x-goog-api-key", key)) }
        headers += endpoint.extraHeaders
        let url = "\(endpoint.baseURL)/v1beta/models/\(model.upstreamName.addingPercentEncodingForPath()):countTokens"
        let response: UpstreamResponse
        do {
            response = try await http.request(UpstreamRequest(url: url, headers: headers, body: body.serializedBytes(),
                                                              timeouts: endpoint.timeouts))
        } catch let error as UpstreamError {
            if error.isTimeout { throw LayersError.upstreamTimeout(provider: "google", model: model.id, phase: .total) }
            throw LayersError.providerError(provider: "google", model: model.id, message: error.description)
        }
        let json = try? JSONValue.parse(response.body)
        guard (200..<300).contains(response.status) else {
            throw LayersError.upstream(provider: "google", model: model.id, status: response.status,
                                       message: json?["error"]?["message"]?.stringValue ?? "status \(response.status)",
                                       retryAfterSeconds: response.headers["retry-after"].flatMap { Int($0) })
        }
        guard let total = json?["totalTokens"]?.intValue else {
            throw LayersError.providerError(provider: "google", model: model.id, message: "no totalTokens in the answer")
        }
        return total
    }
}
