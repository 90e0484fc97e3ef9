import XCTest
@testable import LayersCredits

final class LayersCreditsPlaceholderTests: XCTestCase {
    func testModuleLinks() { XCTAssertTrue(true) }
}
