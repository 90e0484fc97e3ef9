import Foundation
import LayersCore
import XCTest
@testable import LayersGateway

/// Image adapters against the Python fakes of each provider (Tests/fakes/fake_media.py).
final class MediaImageAdapterTests: XCTestCase {
    private static let client = UpstreamHTTPClient()

    private func service(_ configure: (inout MediaProviderSettings, String) -> Void) throws -> ImageGenerationService {
        let base = try MediaFakeServer.require().base
        var settings = MediaProviderSettings()
        settings.bflPollInterval = .milliseconds(5)
        settings.bflDeadline = .milliseconds(400)
        configure(&settings, base)
        return ImageGenerationService(client: Self.client, settings: settings)
    }

    private func allConfigured() throws -> ImageGenerationService {
        try service { s, base in
            s.openAI = MediaEndpoint(baseURL: base + "/openai/v1", apiKey: "sk-test-openai")
            s.bfl = MediaEndpoint(baseURL: base + "/bfl", apiKey: "bfl-test")
            s.gemini = MediaEndpoint(baseURL: base + "/gemini", apiKey: "g-test")
            s.recraft = MediaEndpoint(baseURL: base + "/recraft/v1", apiKey: "rc-test")
        }
    }

    private func expectError(_ request: ImageGenerationRequest, service: ImageGenerationService,
                             file: StaticString = #filePath, line: UInt = #line) async -> MediaError? {
        do {
            _ = try await service.generate(request)
            XCTFail("expected an error", file: file, line: line)
            return nil
        } catch {
            return error  // generate throws only MediaError (typed throws)
        }
    }

    func testOpenAIGPTImageReturnsBytesAndUsage() async throws {
        let result = try await allConfigured().generate(
            ImageGenerationRequest(model: "openai/gpt-image-1", prompt: "a red fox", n: 2, size: "1536x1024", quality: "high"))
        XCTAssertEqual(result.images.count, 2)
        XCTAssertNotNil(result.images[0].b64JSON)
        XCTAssertNil(result.images[0].url)
        XCTAssertEqual(result.usage.imageCount, 2)
        XCTAssertEqual(result.usage.imageSize, "1536x1024")
        XCTAssertEqual(result.usage.imageQuality, "high")
        XCTAssertEqual(result.servedBy, "openai")
        XCTAssertEqual(result.usage.completionTokens, 544)
    }

    func testDallE3URLAndRevisedPrompt() async throws {
        let result = try await allConfigured().generate(
            ImageGenerationRequest(model: "openai/dall-e-3", prompt: "a fox", aspectRatio: "16:9", responseFormat: .url))
        XCTAssertEqual(result.images.count, 1)
        XCTAssertTrue(result.images[0].url?.hasPrefix("http://127.0.0.1") ?? false)
        XCTAssertEqual(result.images[0].revisedPrompt, "A detailed rendering of: a fox")
        XCTAssertEqual(result.usage.imageSize, "1792x1024")
    }

    func testBFLPollsUntilReadyAndDownloads() async throws {
        let result = try await allConfigured().generate(
            ImageGenerationRequest(model: "bfl/flux-2-pro", prompt: "a fox [[media:ready_after:3]]", n: 2, size: "1024x768"))
        XCTAssertEqual(result.images.count, 2)
        let bytes = try XCTUnwrap(Data(base64Encoded: try XCTUnwrap(result.images[0].b64JSON)))
        XCTAssertEqual(Array(bytes.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "the downloaded PNG")
        XCTAssertEqual(result.usage.imageCount, 2)
        XCTAssertEqual(result.usage.imageSize, "1024x768")
        XCTAssertEqual(result.servedBy, "bfl")
    }

    func testBFLURLFormatKeepsTheSignedURL() async throws {
        let result = try await allConfigured().generate(
            ImageGenerationRequest(model: "bfl/flux-pro-1.1-ultra", prompt: "a fox", aspectRatio: "21:9", responseFormat: .url))
        XCTAssertTrue(result.images[0].url?.contains("/files/bfl-") ?? false)
        XCTAssertNil(result.shape.size)
        XCTAssertEqual(result.shape.aspectRatio?.description, "21:9")
    }

    func testBFLDeadline() async throws {
        let error = await expectError(ImageGenerationRequest(model: "bfl/flux-2-pro", prompt: "fox [[media:never_finish]]"),
                                      service: try allConfigured())
        XCTAssertEqual(error?.status, 504)
        XCTAssertEqual(error?.code, "generation_timeout")
        XCTAssertTrue(error?.message.contains("nothing was charged") ?? false)
    }

    func testBFLFailureAndModeration() async throws {
        let failed = await expectError(ImageGenerationRequest(model: "bfl/flux-2-pro", prompt: "fox [[media:fail]]"),
                                       service: try allConfigured())
        XCTAssertEqual(failed?.status, 502)
        XCTAssertEqual(failed?.code, "generation_failed")
        let moderated = await expectError(ImageGenerationRequest(model: "bfl/flux-2-pro", prompt: "fox [[media:moderate]]"),
                                          service: try allConfigured())
        XCTAssertEqual(moderated?.status, 400)
        XCTAssertEqual(moderated?.code, "content_moderated")
    }

    func testBFLPollingURLMustBeBFLs() throws {
        let adapter = BFLImageAdapter(http: Self.client, endpoint: MediaEndpoint(baseURL: "http://127.0.0.1:5/bfl", apiKey: "k"),
                                      pollInterval: .milliseconds(1), deadline: .seconds(1))
        XCTAssertEqual(adapter.pollingURL("https://api.eu2.bfl.ai/v1/get_result?id=1", id: "1"),
                       "https://api.eu2.bfl.ai/v1/get_result?id=1")
        XCTAssertEqual(adapter.pollingURL("http://127.0.0.1:5/bfl/v1/get_result?id=1", id: "1"),
                       "http://127.0.0.1:5/bfl/v1/get_result?id=1")
        XCTAssertEqual(adapter.pollingURL("https://evil.example/steal", id: "1"),
                       "http://127.0.0.1:5/bfl/v1/get_result?id=1", "our key is only sent to BFL")
    }

    func testImagenAndGeminiImage() async throws {
        let service = try allConfigured()
        let imagen = try await service.generate(
            ImageGenerationRequest(model: "google/imagen-4.0-generate-001", prompt: "fox", n: 3, size: "1920x1080"))
        XCTAssertEqual(imagen.images.count, 3)
        XCTAssertEqual(imagen.shape.aspectRatio?.description, "16:9")
        XCTAssertEqual(imagen.images[0].mimeType, "image/png")
        let filtered = await expectError(
            ImageGenerationRequest(model: "google/imagen-4.0-generate-001", prompt: "fox [[media:moderate]]"), service: service)
        XCTAssertEqual(filtered?.code, "content_moderated")

        let gemini = try await service.generate(
            ImageGenerationRequest(model: "google/gemini-2.5-flash-image", prompt: "fox", n: 2, aspectRatio: "3:2",
                                   responseFormat: .url))
        XCTAssertEqual(gemini.images.count, 2)
        XCTAssertTrue(gemini.images[0].url?.hasPrefix("data:image/png;base64,") ?? false)
        XCTAssertEqual(gemini.usage.promptTokens, 24)
        XCTAssertEqual(gemini.usage.completionTokens, 16, "image tokens are billed per image, not as tokens")
        XCTAssertEqual(gemini.usage.imageCount, 2)
        let blocked = await expectError(
            ImageGenerationRequest(model: "google/gemini-2.5-flash-image", prompt: "fox [[media:fail]]"), service: service)
        XCTAssertEqual(blocked?.code, "content_moderated")
    }

    func testRecraft() async throws {
        let result = try await allConfigured().generate(
            ImageGenerationRequest(model: "recraft/recraft-v3", prompt: "fox", n: 2, aspectRatio: "16:9", style: "digital_illustration"))
        XCTAssertEqual(result.images.count, 2)
        XCTAssertNotNil(result.images[0].b64JSON, "url results are downloaded for b64_json")
        XCTAssertEqual(result.usage.imageSize, "1820x1024")
    }

    func testAIGatewayFallback() async throws {
        let service = try service { s, base in s.aiGateway = MediaEndpoint(baseURL: base + "/gateway/v1", apiKey: "vck_test") }
        let result = try await service.generate(ImageGenerationRequest(model: "bfl/flux-2-pro", prompt: "fox", n: 2))
        XCTAssertEqual(result.servedBy, "ai-gateway")
        XCTAssertEqual(result.images.count, 2)
        XCTAssertNotNil(result.images[0].b64JSON)
    }

    func testProviderErrorsAreMapped() async throws {
        let service = try allConfigured()
        let bad = await expectError(ImageGenerationRequest(model: "openai/gpt-image-1", prompt: "x [[media:error_400]]"),
                                    service: service)
        XCTAssertEqual(bad?.status, 400)
        XCTAssertTrue(bad?.message.contains("fake OpenAI images error 400") ?? false, bad?.message ?? "")
        XCTAssertTrue(bad?.message.contains("openai/gpt-image-1") ?? false)
        let limited = await expectError(ImageGenerationRequest(model: "bfl/flux-2-pro", prompt: "x [[media:error_429]]"),
                                        service: service)
        XCTAssertEqual(limited?.status, 429)
        XCTAssertEqual(limited?.retryAfter, "7")
        let down = await expectError(ImageGenerationRequest(model: "google/imagen-4.0-generate-001", prompt: "x [[media:error_500]]"),
                                     service: service)
        XCTAssertEqual(down?.status, 502)
        let badKey = try self.service { s, base in s.openAI = MediaEndpoint(baseURL: base + "/openai/v1", apiKey: "bad-key-0123456789") }
        let auth = await expectError(ImageGenerationRequest(model: "openai/gpt-image-1", prompt: "x"), service: badKey)
        XCTAssertEqual(auth?.status, 502)
        XCTAssertFalse(auth?.message.contains("bad-key") ?? true, "never echo the upstream key")
    }
}
