import Foundation
import LayersCore
import LayersHTTP
import XCTest
@testable import LayersServer

final class ConfigurationTests: XCTestCase {
    func testDefaults() throws {
        let c = try ServerConfiguration(ConfigurationSource(environment: [:]))
        XCTAssertEqual(c.port, 3700)
        XCTAssertEqual(c.host, "0.0.0.0")
        XCTAssertEqual(c.defaultMarginBasisPoints, 6000)
        XCTAssertEqual(c.maxMicroCreditsPerRequest, 100_000_000)
        XCTAssertEqual(c.maxMessages, 100)
        XCTAssertEqual(c.maxMessageCharacters, 100_000)
        XCTAssertNil(c.databaseURL)
        XCTAssertNil(c.adminToken)
        XCTAssertTrue(c.settlementGroupCommit)
        XCTAssertTrue(c.backgroundSettlement)
    }

    func testSettlementSettings() throws {
        let c = try ServerConfiguration(ConfigurationSource(environment: [
            "LAYERS_SETTLEMENT_GROUP_COMMIT": "false", "LAYERS_SETTLEMENT": "sync"]))
        XCTAssertFalse(c.settlementGroupCommit)
        XCTAssertFalse(c.backgroundSettlement)
        XCTAssertThrowsError(try ServerConfiguration(ConfigurationSource(environment: [
            "LAYERS_SETTLEMENT_GROUP_COMMIT": "sometimes"]))) { error in
            XCTAssertEqual((error as? ConfigurationError)?.variable, "LAYERS_SETTLEMENT_GROUP_COMMIT")
        }
    }

    func testEnvironmentValues() throws {
        let c = try ServerConfiguration(ConfigurationSource(environment: [
            "LAYERS_PORT": "8080", "LAYERS_DEFAULT_MARGIN_PERCENT": "12.5", "LAYERS_MAX_CREDITS_PER_REQUEST": "0.5",
            "ALLOWED_ORIGINS": "https://a.example, https://b.example", "LAYERS_ADMIN_TOKEN": "0123456789abcdef",
            "DATABASE_URL": "postgresql://x@/db",
        ]))
        XCTAssertEqual(c.port, 8080)
        XCTAssertEqual(c.defaultMarginBasisPoints, 1250)
        XCTAssertEqual(c.maxMicroCreditsPerRequest, 500_000)
        XCTAssertEqual(c.corsOrigins, ["https://a.example", "https://b.example"])
        XCTAssertEqual(c.adminToken, "0123456789abcdef")
        XCTAssertEqual(c.databaseURL, "postgresql://x@/db")
    }

    func testBadValuesNameTheVariable() {
        for (name, value) in [("LAYERS_PORT", "seventy"), ("LAYERS_PORT", "70000"),
                              ("LAYERS_DEFAULT_MARGIN_PERCENT", "1.234"), ("LAYERS_DEFAULT_MARGIN_PERCENT", "-5"),
                              ("LAYERS_ADMIN_TOKEN", "short"), ("LAYERS_ACCESS_LOG", "maybe")] {
            XCTAssertThrowsError(try ServerConfiguration(ConfigurationSource(environment: [name: value]))) { error in
                XCTAssertEqual((error as? ConfigurationError)?.variable, name, "\(name)=\(value)")
            }
        }
    }

    func testFileIsOverriddenByEnvironment() throws {
        let file = Data(#"{"LAYERS_PORT": 9000, "LAYERS_MAX_MESSAGES": 5, "LAYERS_ACCESS_LOG": false}"#.utf8)
        let c = try ServerConfiguration(ConfigurationSource(environment: ["LAYERS_PORT": "9100"], fileContents: file))
        XCTAssertEqual(c.port, 9100)
        XCTAssertEqual(c.maxMessages, 5)
        XCTAssertFalse(c.accessLog)
    }

    func testUnknownFileSettingIsRejected() {
        let file = Data(#"{"LAYERS_PROT": 9000}"#.utf8)
        XCTAssertThrowsError(try ConfigurationSource(environment: [:], fileContents: file)) { error in
            XCTAssertEqual((error as? ConfigurationError)?.variable, "LAYERS_PROT")
        }
    }

    func testHelpListsEveryVariable() {
        let help = EnvironmentVariable.helpText()
        for v in EnvironmentVariable.catalog { XCTAssertTrue(help.contains(v.name), v.name) }
        XCTAssertTrue(help.contains("DATABASE_URL"))
    }

    func testBurstSeconds() throws {
        let c = try ServerConfiguration(ConfigurationSource(environment: ["LAYERS_RATE_LIMIT_BURST_SECONDS": "30"]))
        XCTAssertEqual(c.rateLimitPolicy(requestsPerMinute: 60).burst, 30)
    }

    func testDecimalText() {
        XCTAssertEqual(DecimalText.format(3_360_000, scale: 6), "3.36")
        XCTAssertEqual(DecimalText.format(5, scale: 6), "0.000005")
        XCTAssertEqual(DecimalText.format(-1_500_000, scale: 6), "-1.5")
        XCTAssertEqual(DecimalText.format(7_000_000, scale: 6), "7")
        XCTAssertEqual(DecimalText.parse("12.5", scale: 2), 1250)
        XCTAssertEqual(DecimalText.parse("60", scale: 2), 6000)
        XCTAssertNil(DecimalText.parse("1e3", scale: 2))
        XCTAssertNil(DecimalText.parse("1.", scale: 2))
        XCTAssertNil(DecimalText.parse("-1", scale: 2))
    }
}

final class ConfigurationDocsTests: XCTestCase {
    /// docs/configuration.md names every variable the server reads.
    func testConfigurationPageListsEveryVariable() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/configuration.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        for v in EnvironmentVariable.catalog { XCTAssertTrue(text.contains("`\(v.name)`"), v.name) }
    }

    func testHTTPLimitsReachTheServer() throws {
        let source = try ConfigurationSource(environment: [
            "LAYERS_HTTP_MAX_CONNECTIONS": "64", "LAYERS_HTTP_MAX_HEADER_BYTES": "4096",
            "LAYERS_HTTP_MAX_REQUEST_LINE_BYTES": "1024", "LAYERS_HTTP_MAX_HEADERS": "20",
            "LAYERS_HTTP_HEADER_TIMEOUT_MS": "1500", "LAYERS_HTTP_BODY_TIMEOUT_MS": "2500",
            "LAYERS_HTTP_IDLE_TIMEOUT_MS": "3500", "LAYERS_HTTP_WRITE_STALL_MS": "4500",
        ])
        var configuration = try ServerConfiguration(source)
        configuration.host = "127.0.0.1"
        configuration.port = 0
        let server = GatewayServer(services: GatewayServices(configuration: configuration,
                                                            stores: InMemoryStore().asStores(),
                                                            liveBackend: FakeBackend()))
        let http = server.http.configuration
        XCTAssertEqual(http.maxConnections, 64)
        XCTAssertEqual(http.maxHeaderBytes, 4096)
        XCTAssertEqual(http.maxRequestLineBytes, 1024)
        XCTAssertEqual(http.maxHeaderCount, 20)
        XCTAssertEqual(http.headerReadTimeout, Duration.milliseconds(1500))
        XCTAssertEqual(http.bodyReadTimeout, Duration.milliseconds(2500))
        XCTAssertEqual(http.keepAliveIdleTimeout, Duration.milliseconds(3500))
        XCTAssertEqual(http.writeStallTimeout, Duration.milliseconds(4500))

        let defaults = try ServerConfiguration(try ConfigurationSource(environment: [:])).httpLimits
        XCTAssertEqual(defaults.maxConnections, HTTPServerConfiguration().maxConnections)
        XCTAssertEqual(defaults.maxHeaderBytes, HTTPServerConfiguration().maxHeaderBytes)

        XCTAssertThrowsError(try ServerConfiguration(try ConfigurationSource(environment: [
            "LAYERS_HTTP_MAX_REQUEST_LINE_BYTES": "8192", "LAYERS_HTTP_MAX_HEADER_BYTES": "4096"]))) { error in
            XCTAssertTrue("\(error)".contains("LAYERS_HTTP_MAX_REQUEST_LINE_BYTES"), "\(error)")
        }
        XCTAssertThrowsError(try ServerConfiguration(try ConfigurationSource(environment: [
            "LAYERS_HTTP_HEADER_TIMEOUT_MS": "soon"]))) { error in
            XCTAssertTrue("\(error)".contains("LAYERS_HTTP_HEADER_TIMEOUT_MS"), "\(error)")
        }
    }
}
