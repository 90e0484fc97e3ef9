import XCTest
@testable import LayersServer

final class LayersServerPlaceholderTests: XCTestCase {
    func testModuleLinks() { XCTAssertTrue(true) }
}
