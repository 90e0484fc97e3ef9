import XCTest
@testable import LayersModels

final class LayersModelsPlaceholderTests: XCTestCase {
    func testModuleLinks() { XCTAssertTrue(true) }
}
