import Foundation
import XCTest
@testable import LayersGateway

/// Proxies come from the standard environment variables (libcurl reads them for every new transfer).
/// The Python fake doubles as an HTTP proxy: a proxied request reaches it with the absolute URL as its target.
final class UpstreamProxyTests: XCTestCase {
    private func withEnvironment<T>(_ values: [String: String], _ body: () async throws -> T) async rethrows -> T {
        let saved = values.keys.map { ($0, ProcessInfo.processInfo.environment[$0]) }
        for (name, value) in values { setenv(name, value, 1) }
        defer {
            for (name, old) in saved {
                if let old { setenv(name, old, 1) } else { unsetenv(name) }
            }
        }
        return try await body()
    }

    private func echo(_ response: UpstreamResponse) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    func testHTTPProxyVariableIsUsed() async throws {
        let server = try FakeProviderServer.require()
        let client = UpstreamHTTPClient()
        defer { client.shutdown() }
        // The target host cannot resolve: only a proxy can answer for it.
        let response = try await withEnvironment(["http_proxy": server.base, "no_proxy": ""]) {
            try await client.request(UpstreamRequest(url: "http://layers-proxy-test.invalid/_test/echo",
                                                     headers: [HTTPHeader("authorization", "Bearer k")],
                                                     body: Array("{}".utf8)))
        }
        XCTAssertEqual(response.status, 200)
        let seen = try echo(response)
        XCTAssertEqual(seen["path"] as? String, "http://layers-proxy-test.invalid/_test/echo",
                       "the proxy received the absolute URL")
        XCTAssertEqual((seen["headers"] as? [String: String])?["host"], "layers-proxy-test.invalid")
    }

    func testNoProxyVariableBypassesTheProxy() async throws {
        let server = try FakeProviderServer.require()
        let client = UpstreamHTTPClient()
        defer { client.shutdown() }
        // The proxy is a closed port: the request only succeeds if it goes direct.
        let response = try await withEnvironment(["http_proxy": "http://127.0.0.1:9", "no_proxy": "127.0.0.1"]) {
            try await client.request(UpstreamRequest(method: "GET", url: server.base + "/_test/echo"))
        }
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(try echo(response)["path"] as? String, "/_test/echo")

        // Without the exemption the same request goes to the (dead) proxy and fails.
        do {
            _ = try await withEnvironment(["http_proxy": "http://127.0.0.1:9", "no_proxy": ""]) {
                try await client.request(UpstreamRequest(method: "GET", url: server.base + "/_test/echo"))
            }
            XCTFail("the request must have gone to the proxy")
        } catch let error as UpstreamError {
            guard case .connectionFailed = error else { return XCTFail("\(error)") }
        }
    }
}
