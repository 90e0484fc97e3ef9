import XCTest
@testable import LayersGateway

final class MediaImageShapeTests: XCTestCase {
    private func size(_ text: String) -> ImageDimensions { ImageDimensions(parsing: text)! }
    private func ratio(_ text: String) -> ImageAspectRatio { ImageAspectRatio(parsing: text)! }

    func testOriginalBucketing() {
        XCTAssertEqual(ImageAspectRatio.bucketed(size("1920x1080")), ratio("16:9"))   // 1.78
        XCTAssertEqual(ImageAspectRatio.bucketed(size("1710x1000")), ratio("16:9"))   // 1.71
        XCTAssertEqual(ImageAspectRatio.bucketed(size("1700x1000")), ratio("3:2"))    // exactly 1.7 is not > 1.7
        XCTAssertEqual(ImageAspectRatio.bucketed(size("1536x1024")), ratio("3:2"))    // 1.5
        XCTAssertEqual(ImageAspectRatio.bucketed(size("1300x1000")), ratio("1:1"))    // exactly 1.3
        XCTAssertEqual(ImageAspectRatio.bucketed(size("1024x1024")), ratio("1:1"))
        XCTAssertEqual(ImageAspectRatio.bucketed(size("800x1000")), ratio("1:1"))     // exactly 0.8
        XCTAssertEqual(ImageAspectRatio.bucketed(size("700x1000")), ratio("2:3"))
        XCTAssertEqual(ImageAspectRatio.bucketed(size("600x1000")), ratio("2:3"))     // exactly 0.6
        XCTAssertEqual(ImageAspectRatio.bucketed(size("1024x1792")), ratio("9:16"))
    }

    func testParsing() {
        XCTAssertEqual(ImageDimensions(parsing: "1024X768"), ImageDimensions(width: 1024, height: 768))
        XCTAssertNil(ImageDimensions(parsing: "1024"))
        XCTAssertNil(ImageDimensions(parsing: "0x10"))
        XCTAssertNil(ImageDimensions(parsing: "axb"))
        XCTAssertEqual(ImageAspectRatio(parsing: "32:18"), ratio("16:9"), "ratios compare reduced")
        XCTAssertEqual(ratio("21:9").description, "21:9", "but keep the name they were written with")
        XCTAssertEqual(ratio("21:9"), ratio("7:3"))
        XCTAssertNil(ImageAspectRatio(parsing: "16/9"))
        XCTAssertEqual(size("1792x1024").aspectRatio.description, "7:4")
    }

    private func assertError(_ rule: ImageSizeRule, size: String? = nil, ratio: String? = nil, code: String,
                             mentions: String, file: StaticString = #filePath, line: UInt = #line) {
        switch Result(catching: { () throws(MediaError) in try rule.resolve(size: size, aspectRatio: ratio, model: "x/model") }) {
        case .success:
            XCTFail("expected \(code)", file: file, line: line)
        case .failure(let error):
            XCTAssertEqual(error.status, 400, file: file, line: line)
            XCTAssertEqual(error.code, code, file: file, line: line)
            XCTAssertTrue(error.message.contains(mentions), error.message, file: file, line: line)
            XCTAssertTrue(error.message.contains("x/model"), error.message, file: file, line: line)
        }
    }

    func testFixedSizes() throws {
        let dalle3 = try XCTUnwrap(ImageModelSpec.resolve("openai/dall-e-3")).sizeRule
        XCTAssertEqual(try dalle3.resolve(size: "1792x1024", aspectRatio: nil, model: "m").size, size("1792x1024"))
        XCTAssertEqual(try dalle3.resolve(size: nil, aspectRatio: "16:9", model: "m").size, size("1792x1024"),
                       "16:9 picks the size that buckets to it")
        XCTAssertEqual(try dalle3.resolve(size: nil, aspectRatio: nil, model: "m").size, size("1024x1024"))
        assertError(dalle3, size: "512x512", code: "unsupported_size", mentions: "1792x1024")
        assertError(dalle3, size: "auto", code: "unsupported_size", mentions: "auto")
        let gptImage = try XCTUnwrap(ImageModelSpec.resolve("openai/gpt-image-1")).sizeRule
        XCTAssertNil(try gptImage.resolve(size: "auto", aspectRatio: nil, model: "m").size)
        XCTAssertEqual(try gptImage.resolve(size: nil, aspectRatio: "2:3", model: "m").size, size("1024x1536"))
        assertError(gptImage, ratio: "16:9", code: "unsupported_aspect_ratio", mentions: "1536x1024")
    }

    func testAspectRatioModels() throws {
        let imagen = try XCTUnwrap(ImageModelSpec.resolve("google/imagen-4.0-generate-001")).sizeRule
        XCTAssertEqual(try imagen.resolve(size: nil, aspectRatio: "16:9", model: "m").aspectRatio, ratio("16:9"))
        XCTAssertEqual(try imagen.resolve(size: nil, aspectRatio: nil, model: "m").aspectRatio, ratio("1:1"))
        XCTAssertEqual(try imagen.resolve(size: "768x1024", aspectRatio: nil, model: "m").aspectRatio, ratio("3:4"),
                       "an exact supported ratio is kept")
        XCTAssertEqual(try imagen.resolve(size: "1920x1080", aspectRatio: nil, model: "m").aspectRatio, ratio("16:9"))
        assertError(imagen, ratio: "3:2", code: "unsupported_aspect_ratio", mentions: "1:1, 3:4, 4:3, 9:16, 16:9")
        assertError(imagen, size: "1536x1024", code: "unsupported_size", mentions: "bucketed to 3:2")
        assertError(imagen, ratio: "16-9", code: "invalid_aspect_ratio", mentions: "W:H")
    }

    func testDimensionModels() throws {
        let flux2 = try XCTUnwrap(ImageModelSpec.resolve("bfl/flux-2-pro")).sizeRule
        XCTAssertEqual(try flux2.resolve(size: "1000x750", aspectRatio: nil, model: "m").size, size("1008x752"),
                       "each side is rounded to a multiple of 16")
        let square = try flux2.resolve(size: nil, aspectRatio: nil, model: "m")
        XCTAssertEqual(square.size, size("1008x1008"))
        let wide = try XCTUnwrap(try flux2.resolve(size: nil, aspectRatio: "16:9", model: "m").size)
        XCTAssertEqual(wide.width % 16, 0)
        XCTAssertEqual(Double(wide.width) / Double(wide.height), 16.0 / 9.0, accuracy: 0.05)
        assertError(flux2, size: "5000x5000", code: "unsupported_size", mentions: "64–4096")
        assertError(flux2, size: "32x32", code: "unsupported_size", mentions: "64–4096")
        assertError(flux2, size: "big", code: "invalid_size", mentions: "WIDTHxHEIGHT")
        let flux11 = try XCTUnwrap(ImageModelSpec.resolve("bfl/flux-pro-1.1")).sizeRule
        assertError(flux11, size: "2048x2048", code: "unsupported_size", mentions: "256–1440")
    }
}
