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
        // Each target lists every Layers module it imports, not only those it reaches through another
        // target: SwiftPM recompiles a target when a DIRECT dependency changes, so a target that reached
        // LayersCredits only through LayersCore kept stale objects (old struct layouts, missing symbols)
        // after a LayersCredits change.
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
        .target(name: "LayersGateway", dependencies: ["LayersCore", "LayersModels", "LayersCredits", "CCurl"]),
        .target(name: "LayersPostgres", dependencies: ["LayersCore", "LayersCredits", "CLibPQ"]),
        .target(name: "LayersServer", dependencies: ["LayersCore", "LayersModels", "LayersCredits", "LayersHTTP", "LayersGateway",
                                                  "LayersPostgres"]),

        // MARK: Executables
        .executableTarget(name: "layers-server", dependencies: ["LayersServer"]),
        // Fixed routes over LayersHTTP for the HTTP conformance tests and bench/http.
        .executableTarget(name: "layers-http-demo", dependencies: ["LayersHTTP"]),
        // Adapter translation CPU per request and per stream event (bench/providers).
        .executableTarget(name: "layers-bench-providers", dependencies: ["LayersGateway", "LayersCore", "LayersModels"],
                          path: "bench/providers/Sources"),
        .executableTarget(name: "layers-bench-db", dependencies: ["LayersPostgres", "LayersCore", "LayersCredits"],
                          path: "bench/db/Sources"),

        // MARK: Tests
        .testTarget(name: "LayersCreditsTests", dependencies: ["LayersCredits"]),
        .testTarget(name: "LayersModelsTests", dependencies: ["LayersModels", "LayersCredits"]),
        .testTarget(name: "LayersCoreTests", dependencies: ["LayersCore", "LayersCredits"]),
        .testTarget(name: "LayersHTTPTests", dependencies: ["LayersHTTP"]),
        .testTarget(name: "LayersGatewayTests", dependencies: ["LayersGateway", "LayersCore", "LayersModels", "LayersCredits"]),
        .testTarget(name: "LayersPostgresTests", dependencies: ["LayersPostgres", "LayersCore", "LayersCredits"]),
        .testTarget(name: "LayersServerTests", dependencies: ["LayersServer", "LayersCore", "LayersModels", "LayersCredits", "LayersGateway",
                                                               "LayersHTTP"]),
    ],
    swiftLanguageModes: [.v6]
)
