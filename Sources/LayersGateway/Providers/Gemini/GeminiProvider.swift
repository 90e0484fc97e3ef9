import Foundation
import LayersCore
import LayersModels

/// Google Gemini `generateContent` behind the OpenAI shape. The key travels in `x-goog-api-key`, never in the URL.
struct GeminiProvider: ChatProvider {
    let endpoint: ProviderEndpoint
    let transport: ProviderTransport

    init(endpoint: ProviderEndpoint, http: UpstreamHTTPClient) {
        self.endpoint = endpoint
        transport = ProviderTransport(http: http, errorMessage: GeminiResponse.errorMessage,
                                      credentialFailure: GeminiResponse.isCredentialFailure)
    }

    var name: String { endpoint.name }

    nonisolated(nonsending) func complete(_ request: ChatCompletionRequest, model: ModelInfo) async throws -> ChatCompletionResult {
        let context = ProviderContext(provider: name, model: model.id)
        let upstream = try makeRequest(request.json, model: model, stream: false)
        let response = try await transport.send(upstream, context: context)
        guard case .object(let json)? = JSONValue.parseOrNil(response.body) else {
            throw context.unreadable("response is not a JSON object")
        }
        let (body, usage) = GeminiResponse.translate(json, model: model)
        return ChatCompletionResult(body: body, usage: usage, providerRequestID: json["responseId"]?.stringValue,
                                    provider: name)
    }

    nonisolated(nonsending) func stream(_ request: ChatCompletionRequest, model: ModelInfo) async throws -> ChatCompletionStream {
        let context = ProviderContext(provider: name, model: model.id)
        let upstream = try makeRequest(request.json, model: model, stream: true)
        let stream = try await transport.open(upstream, context: context)
        return ChatCompletionStream(upstream: stream, translator: GeminiStreamTranslator(model: model, context: context),
                                    context: context, providerRequestID: nil,
                                    clientRequestedUsage: request.includeUsage)
    }

    func makeRequest(_ json: JSONObject, model: ModelInfo, stream: Bool) throws -> UpstreamRequest {
        let body = try GeminiRequestBuilder.build(json, model: model)
        let method = stream ? "streamGenerateContent?alt=sse" : "generateContent"
        let modelPath = model.upstreamName.addingPercentEncodingForPath()
        var headers = [HTTPHeader("content-type", "application/json"),
                       HTTPHeader("accept", stream ? "text/event-stream" : "application/json")]
        if let key = endpoint.apiKey { headers.append(HTTPHeader("x-goog-api-key", key)) }
        headers.append(contentsOf: endpoint.extraHeaders)
        return UpstreamRequest(url: "\(endpoint.baseURL)/v1beta/models/\(modelPath):\(method)", headers: headers,
                               body: JSONValue.object(body).serializedBytes(), timeouts: endpoint.timeouts)
    }
}

extension String {
    func addingPercentEncodingForPath() -> String {
        var out = ""
        for byte in utf8 {
            let c = Character(UnicodeScalar(byte))
            if c.isASCII && (c.isLetter || c.isNumber || "-._~".contains(c)) { out.append(c) } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
