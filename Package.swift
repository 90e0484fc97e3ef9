// swift-tools-version:6.0
// Layers: one API key and one OpenAI-compatible API for many model providers.
// No third-party Swift packages: only the toolchain and C libraries from Debian (libpq, libcurl).
import PackageDescription

let package = Package(
    name: "Layers",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "LayersModels", targets: ["LayersModels"]),
        .library(name: "LayersCredits", targets: ["LayersCredits"]),
        .library(name: "LayersCore", targets: ["LayersCore"]),
        .library(name: "LayersHTTP", targets: ["LayersHTTP"]),
        .library(name: "LayersGateway", targets: ["LayersGateway"]),
        .library(name: "LayersPostgres", targets: ["LayersPostgres"]),
        .library(name: "LayersServer", targets: ["LayersServer"]),
        .executable(name: "layers-server", targets: ["layers-server"]),
    ],
    targets: [
        // MARK: C libraries from Debian
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // libcurl's setopt/getinfo are variadic; CCurl holds the small non-variadic C shims Swift needs.
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl")]),

        // MARK: I/O-free libraries
        .target(name: "LayersCredits"),
        .target(name: "LayersModels", dependencies: ["LayersCredits"]),
        .target(name: "LayersCore", dependencies: ["LayersModels", "LayersCredits"]),

        // MARK: I/O libraries
        // CLayersHTTP exposes epoll/eventfd headers (not in Swift's Glibc module) to LayersHTTP.
        .target(name: "CLayersHTTP"),
        .target(name: "LayersHTTP", dependencies: ["CLayersHTTP"]),
        .target(name: "LayersGateway", dependencies: ["LayersCore", "CCurl"]),
        .target(name: "LayersPostgres", dependencies: ["LayersCore", "CLibPQ"]),
        .target(name: "LayersServer", dependencies: ["LayersCore", "LayersHTTP", "LayersGateway", "LayersPostgres"]),

        // MARK: Executables
        .executableTarget(name: "layers-server", dependencies: ["LayersServer"]),
        // Fixed routes over LayersHTTP for the HTTP conformance tests and bench/http.
        .executableTarget(name: "layers-http-demo", dependencies: ["LayersHTTP"]),
        // Adapter translation CPU per request and per stream event (bench/providers).
        .executableTarget(name: "layers-bench-providers", dependencies: ["LayersGateway"], path: "bench/providers/Sources"),
        .executableTarget(name: "layers-bench-db", dependencies: ["LayersPostgres"], path: "bench/db/Sources"),

        // MARK: Tests
        .testTarget(name: "LayersCreditsTests", dependencies: ["LayersCredits"]),
        .testTarget(name: "LayersModelsTests", dependencies: ["LayersModels"]),
        .testTarget(name: "LayersCoreTests", dependencies: ["LayersCore"]),
        .testTarget(name: "LayersHTTPTests", dependencies: ["LayersHTTP"]),
        .testTarget(name: "LayersGatewayTests", dependencies: ["LayersGateway"]),
        .testTarget(name: "LayersPostgresTests", dependencies: ["LayersPostgres"]),
        .testTarget(name: "LayersServerTests", dependencies: ["LayersServer"]),
    ],
    swiftLanguageModes: [.v6]
)
