import XCTest
@testable import LayersGateway

final class LayersGatewayPlaceholderTests: XCTestCase {
    func testModuleLinks() { XCTAssertTrue(true) }
}
