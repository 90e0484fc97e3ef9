import Foundation
import XCTest
@testable import LayersGateway

/// TLS verification and HTTP/2 against a local nginx.
final class UpstreamTLSTests: XCTestCase {
    func testVerifiesCertificatesAndNegotiatesHTTP2() async throws {
        let server = try LocalTLSServer()
        let url = "https://127.0.0.1:\(server.port)/v1/chat/completions"

        // Unknown issuer: refused (verification is on).
        let strict = UpstreamHTTPClient()
        do {
            _ = try await strict.request(UpstreamRequest(url: url, body: Array("{}".utf8)))
            XCTFail("a self-signed certificate must be refused")
        } catch let error as UpstreamError {
            guard case .tls(let host, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(host, "127.0.0.1:\(server.port)")
        }

        // Trusting the test CA: HTTP/2 over TLS, several requests multiplexed.
        let trusting = UpstreamHTTPClient(configuration: UpstreamClientConfiguration(caFile: server.certificate))
        let versions = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for _ in 0..<6 {
                group.addTask {
                    let r = try await trusting.request(UpstreamRequest(url: url, body: Array("{}".utf8)))
                    return (r.status, r.httpVersion)
                }
            }
            var all: [(Int, Int)] = []
            for try await v in group { all.append(v) }
            return all
        }
        XCTAssertEqual(versions.count, 6)
        XCTAssertTrue(versions.allSatisfy { $0 == (200, 2) }, "\(versions)")

        let stream = try await trusting.stream(UpstreamRequest(method: "GET", url: url))
        XCTAssertEqual(stream.httpVersion, 2)
        let body = try await stream.collect()
        XCTAssertEqual(String(decoding: body, as: UTF8.self), #"{"ok":true}"#)
    }

    func testCancellingANonStreamedRequestAbortsIt() async throws {
        let server = try FakeProviderServer.require()
        let client = UpstreamHTTPClient()
        let task = Task {
            try await client.request(UpstreamRequest(method: "GET", url: server.base + "/_test/slow_headers?delay_ms=5000"))
        }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        do {
            let response = try await task.value
            XCTFail("the request finished (\(response.status)) instead of being cancelled")
        } catch {
            XCTAssertTrue(error is CancellationError, "\(error)")
        }
    }
}
