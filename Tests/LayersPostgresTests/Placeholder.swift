import XCTest
@testable import LayersPostgres

final class LayersPostgresPlaceholderTests: XCTestCase {
    func testModuleLinks() { XCTAssertTrue(true) }
}
