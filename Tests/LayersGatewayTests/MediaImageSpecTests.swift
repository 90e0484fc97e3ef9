import XCTest
@testable import LayersGateway

final class MediaImageSpecTests: XCTestCase {
    func testProvidersAndUpstreamNames() throws {
        let cases: [(String, ImageProviderKind, String)] = [
            ("openai/gpt-image-1", .openAI, "gpt-image-1"),
            ("openai/dall-e-3", .openAI, "dall-e-3"),
            ("bfl/flux-2-pro", .bfl, "flux-2-pro"),
            ("bfl/flux-pro-1.1-ultra", .bfl, "flux-pro-1.1-ultra"),
            ("google/imagen-4.0-ultra-generate-001", .imagen, "imagen-4.0-ultra-generate-001"),
            ("google/gemini-2.5-flash-image", .geminiImage, "gemini-2.5-flash-image"),
            ("recraft/recraft-v3", .recraft, "recraftv3"),
            ("recraft/recraft-v4-pro", .recraft, "recraftv4_pro"),
        ]
        for (id, provider, upstream) in cases {
            let spec = try XCTUnwrap(ImageModelSpec.resolve(id), id)
            XCTAssertEqual(spec.provider, provider, id)
            XCTAssertEqual(spec.upstreamModel, upstream, id)
        }
        XCTAssertNil(ImageModelSpec.resolve("google/gemini-2.5-flash"), "a text model is not an image model")
        XCTAssertNil(ImageModelSpec.resolve("anthropic/claude-sonnet-4.5"))
        XCTAssertNil(ImageModelSpec.resolve("flux"))
        XCTAssertEqual(ImageModelSpec.resolve("openai/dall-e-3")?.maxImages, 1)
        if case .aspectRatios = ImageModelSpec.resolve("bfl/flux-kontext-pro")!.sizeRule {} else {
            XCTFail("kontext takes aspect ratios")
        }
    }

    func testServiceChecksBeforeCalling() throws {
        let settings = MediaProviderSettings(openAI: MediaEndpoint(baseURL: "http://127.0.0.1:9", apiKey: "k"))
        let service = ImageGenerationService(client: UpstreamHTTPClient(), settings: settings)
        func code(_ request: ImageGenerationRequest) -> String? {
            switch Result(catching: { () throws(MediaError) in try service.prepare(request) }) {
            case .success: return nil
            case .failure(let error): return error.code
            }
        }
        XCTAssertNil(code(ImageGenerationRequest(model: "openai/gpt-image-1", prompt: "fox")))
        XCTAssertEqual(code(ImageGenerationRequest(model: "openai/gpt-image-1", prompt: "  ")), "missing_prompt")
        XCTAssertEqual(code(ImageGenerationRequest(model: "openai/gpt-image-1", prompt: String(repeating: "a", count: 10_001))),
                       "prompt_too_long")
        XCTAssertEqual(code(ImageGenerationRequest(model: "openai/gpt-image-1", prompt: "fox", n: 5)), "invalid_n")
        XCTAssertEqual(code(ImageGenerationRequest(model: "openai/dall-e-3", prompt: "fox", n: 2)), "invalid_n")
        XCTAssertEqual(code(ImageGenerationRequest(model: "openai/dall-e-3", prompt: "fox", quality: "ultra")),
                       "unsupported_quality")
        XCTAssertEqual(code(ImageGenerationRequest(model: "openai/gpt-4o", prompt: "fox", size: "100x100")),
                       "unsupported_size")
        XCTAssertEqual(code(ImageGenerationRequest(model: "anthropic/claude-haiku-4.5", prompt: "fox")),
                       "model_not_image_capable")
        XCTAssertEqual(code(ImageGenerationRequest(model: "bfl/flux-2-pro", prompt: "fox")), "provider_not_configured")
        let limited = ImageGenerationService(client: UpstreamHTTPClient(), settings: settings,
                                             limits: ImageLimits(maxPromptCharacters: 5, maxImagesPerRequest: 2))
        XCTAssertThrowsError(try limited.prepare(ImageGenerationRequest(model: "openai/gpt-image-1", prompt: "abcdef")))
        XCTAssertThrowsError(try limited.prepare(ImageGenerationRequest(model: "openai/gpt-image-1", prompt: "a", n: 3)))
    }

    func testSettingsFromEnvironment() {
        let settings = MediaProviderSettings(environment: [
            "BFL_API_KEY": "b", "BFL_BASE_URL": "http://127.0.0.1:1/bfl/", "GEMINI_BASE_URL": "http://h/gemini/v1beta",
            "GOOGLE_API_KEY": "g", "BFL_POLL_INTERVAL_MS": "5", "BFL_DEADLINE_SECONDS": "0.5", "OPENAI_API_KEY": "",
        ])
        XCTAssertEqual(settings.bfl.baseURL, "http://127.0.0.1:1/bfl")
        XCTAssertEqual(settings.bfl.apiKey, "b")
        XCTAssertEqual(settings.gemini.baseURL, "http://h/gemini")
        XCTAssertEqual(settings.gemini.apiKey, "g")
        XCTAssertFalse(settings.openAI.isConfigured)
        XCTAssertEqual(settings.recraft.baseURL, "https://external.api.recraft.ai/v1")
        XCTAssertEqual(settings.bflPollInterval, .milliseconds(5))
        XCTAssertEqual(settings.bflDeadline, .milliseconds(500))
    }
}
