import XCTest
import LayersGateway

extension XCTestCase {
    /// Fails unless `body` throws exactly `expected`.
    func assertThrows(_ expected: UpstreamError, file: StaticString = #filePath, line: UInt = #line,
                      _ body: () async throws -> Void) async {
        do {
            try await body()
            XCTFail("expected \(expected)", file: file, line: line)
        } catch let error as UpstreamError {
            XCTAssertEqual(error, expected, file: file, line: line)
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
        }
    }
}
