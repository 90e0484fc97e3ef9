import Foundation
import LayersCore
import XCTest
@testable import LayersGateway

final class MediaEmbeddingsTests: XCTestCase {
    private static let client = UpstreamHTTPClient()

    private func request(_ json: String) throws -> EmbeddingsRequest {
        try EmbeddingsRequest(json: try JSONValue.parse(json))
    }

    func testRequestParsing() throws {
        XCTAssertEqual(try request(#"{"model":"m","input":"hi"}"#).input, .texts(["hi"]))
        XCTAssertEqual(try request(#"{"model":"m","input":["a","b"]}"#).input, .texts(["a", "b"]))
        XCTAssertEqual(try request(#"{"model":"m","input":[1,2,3]}"#).input, .tokens([[1, 2, 3]]))
        XCTAssertEqual(try request(#"{"model":"m","input":[[1],[2,3]]}"#).input, .tokens([[1], [2, 3]]))
        let full = try request(#"{"model":"m","input":"x","dimensions":256,"encoding_format":"base64","user":"u"}"#)
        XCTAssertEqual(full.dimensions, 256)
        XCTAssertEqual(full.encodingFormat, .base64)
        XCTAssertEqual(full.user, "u")
        func param(_ json: String) -> String? {
            do { _ = try request(json); return nil } catch let error as MediaError { return error.param ?? error.code } catch { return nil }
        }
        XCTAssertEqual(param(#"{"input":"x"}"#), "model")
        XCTAssertEqual(param(#"{"model":"m"}"#), "input")
        XCTAssertEqual(param(#"{"model":"m","input":[]}"#), "input")
        XCTAssertEqual(param(#"{"model":"m","input":""}"#), "input")
        XCTAssertEqual(param(#"{"model":"m","input":[1,"a"]}"#), "input")
        XCTAssertEqual(param(#"{"model":"m","input":"x","dimensions":0}"#), "dimensions")
        XCTAssertEqual(param(#"{"model":"m","input":"x","encoding_format":"int8"}"#), "encoding_format")
    }

    func testBase64IsLittleEndianFloat32() throws {
        let values: [JSONValue] = [.number(JSONNumber(decimalLiteral: "0.5")!), .number(JSONNumber(decimalLiteral: "-1")!),
                                   .number(JSONNumber(decimalLiteral: "0.123456")!)]
        let text = EmbeddingVectorEncoding.base64(values)
        XCTAssertEqual(Array(Data(base64Encoded: text)!.prefix(4)), [0x00, 0x00, 0x00, 0x3F], "0.5f little-endian")
        let decoded = try XCTUnwrap(EmbeddingVectorEncoding.decode(base64: text))
        XCTAssertEqual(decoded[0], 0.5)
        XCTAssertEqual(decoded[1], -1)
        XCTAssertEqual(decoded[2], Float("0.123456")!)
    }

    func testGeminiTranslationBothWays() throws {
        let req = try request(#"{"model":"google/gemini-embedding-001","input":["a","b"],"dimensions":8,"task_type":"RETRIEVAL_QUERY"}"#)
        let body = GeminiEmbeddingsAdapter.requestBody(texts: ["a", "b"], upstreamModel: "gemini-embedding-001", request: req)
        XCTAssertEqual(body["requests"]?[1], ["model": "models/gemini-embedding-001", "content": ["parts": [["text": "b"]]],
                                              "outputDimensionality": 8, "taskType": "RETRIEVAL_QUERY"])
        let answer = try JSONValue.parse(#"[{"values":[0.25,-0.000001]},{"values":[1e-7,2]}]"#).arrayValue!
        let floatBody = GeminiEmbeddingsAdapter.openAIBody(embeddings: answer, model: "google/gemini-embedding-001",
                                                           format: .float, promptTokens: 2)
        XCTAssertEqual(floatBody.serialized(),
                       #"{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.25,-0.000001]},{"object":"embedding","index":1,"embedding":[1e-7,2]}],"model":"google/gemini-embedding-001","usage":{"prompt_tokens":2,"total_tokens":2}}"#,
                       "float values keep their exact text")
        let b64Body = GeminiEmbeddingsAdapter.openAIBody(embeddings: answer, model: "m", format: .base64, promptTokens: 2)
        let decoded = EmbeddingVectorEncoding.decode(base64: b64Body["data"]?[0]?["embedding"]?.stringValue ?? "")
        XCTAssertEqual(decoded, [0.25, Float("-0.000001")!])
    }

    private func service() throws -> EmbeddingsService {
        let base = try MediaFakeServer.require().base
        var settings = MediaProviderSettings()
        settings.openAI = MediaEndpoint(baseURL: base + "/openai/v1", apiKey: "sk-test-openai")
        settings.gemini = MediaEndpoint(baseURL: base + "/gemini", apiKey: "g-test")
        settings.aiGateway = MediaEndpoint(baseURL: base + "/gateway/v1", apiKey: "vck_test")
        return EmbeddingsService(client: Self.client, settings: settings)
    }

    func testOpenAIPassThrough() async throws {
        let result = try await service().embed(try request(
            #"{"model":"openai/text-embedding-3-small","input":["one two","three"],"dimensions":16,"encoding_format":"base64"}"#))
        XCTAssertEqual(result.body["model"], "openai/text-embedding-3-small")
        XCTAssertEqual(result.body["data"]?.arrayValue?.count, 2)
        let vector = EmbeddingVectorEncoding.decode(base64: result.body["data"]?[0]?["embedding"]?.stringValue ?? "")
        XCTAssertEqual(vector?.count, 16)
        XCTAssertEqual(result.usage.promptTokens, 3)
        XCTAssertFalse(result.usageEstimated)
        XCTAssertEqual(result.servedBy, "openai")
    }

    func testGeminiThroughTheFake() async throws {
        let result = try await service().embed(try request(
            #"{"model":"google/gemini-embedding-001","input":["hello world","abc"],"dimensions":8}"#))
        XCTAssertEqual(result.body["object"], "list")
        XCTAssertEqual(result.body["data"]?[1]?["index"]?.intValue, 1)
        XCTAssertEqual(result.body["data"]?[0]?["embedding"]?.arrayValue?.count, 8)
        XCTAssertEqual(result.usage.promptTokens, 3 + 1, "estimated at ~4 bytes a token")
        XCTAssertTrue(result.usageEstimated)
        let b64 = try await service().embed(try request(
            #"{"model":"google/gemini-embedding-001","input":"hello","dimensions":4,"encoding_format":"base64"}"#))
        XCTAssertEqual(EmbeddingVectorEncoding.decode(base64: b64.body["data"]?[0]?["embedding"]?.stringValue ?? "")?.count, 4)
    }

    func testTokenInputIsRefusedForGemini() async throws {
        do {
            _ = try await service().embed(try request(#"{"model":"google/text-embedding-004","input":[1,2]}"#))
            XCTFail("expected an error")
        } catch let error as MediaError {
            XCTAssertEqual(error.status, 400)
            XCTAssertEqual(error.param, "input")
        }
    }

    func testOtherProvidersGoThroughTheGateway() async throws {
        let result = try await service().embed(try request(#"{"model":"mistral/mistral-embed","input":"hi"}"#))
        XCTAssertEqual(result.servedBy, "ai-gateway")
        XCTAssertEqual(result.body["model"], "mistral/mistral-embed")
    }

    func testNotConfigured() throws {
        let service = EmbeddingsService(client: Self.client, settings: MediaProviderSettings())
        XCTAssertThrowsError(try service.checkConfigured(model: "openai/text-embedding-3-small")) { error in
            XCTAssertEqual((error as? MediaError)?.status, 503)
            XCTAssertTrue((error as? MediaError)?.message.contains("OPENAI_API_KEY") ?? false)
        }
    }
}
