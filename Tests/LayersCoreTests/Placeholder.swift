import XCTest
@testable import LayersCore

final class LayersCorePlaceholderTests: XCTestCase {
    func testModuleLinks() { XCTAssertTrue(true) }
}
