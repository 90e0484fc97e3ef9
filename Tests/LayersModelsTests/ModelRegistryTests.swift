import XCTest
import LayersCredits
@testable import LayersModels

final class ModelRegistryTests: XCTestCase {
    private let registry = ModelRegistry.builtIn

    func testOriginalCountsByProvider() {
        let originals = registry.filter(ModelFilter(original: true))
        XCTAssertEqual(originals.count, 23)
        let counts = Dictionary(grouping: originals, by: \.provider).mapValues(\.count)
        XCTAssertEqual(counts, [.anthropic: 3, .openai: 8, .google: 7, .perplexity: 3, .morph: 2])
    }
}
