import XCTest
@testable import LayersHTTP

final class LayersHTTPPlaceholderTests: XCTestCase {
    func testModuleLinks() { XCTAssertTrue(true) }
}
