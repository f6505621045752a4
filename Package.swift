// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "alfa",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "alfa", targets: ["alfa"]),
        // For the fuzzers (Fuzz/), a package of their own built with -sanitize=fuzzer.
        .library(name: "AlfaParsers", targets: ["AlfaCore", "AlfaSettings", "AlfaChain", "AlfaTelegram"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        // C libraries, found through pkg-config; Debian package names for `swift build`'s hint.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CSecp256k1", pkgConfig: "libsecp256k1", providers: [.apt(["libsecp256k1-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CMalloc"),

        // The domain: pure, Foundation only.
        .target(name: "AlfaCore"),
        // The environment variables alfa reads, typed and validated (AlfaCore's policies among them).
        .target(name: "AlfaSettings", dependencies: ["AlfaCore"]),
        // Threads for blocking C calls, child processes, lines from a descriptor.
        .target(name: "AlfaSystem"),
        .target(name: "AlfaHTTP", dependencies: ["AlfaCore", "AlfaSystem", "CCurl"]),
        .target(name: "AlfaChain", dependencies: ["AlfaCore", "AlfaHTTP", "CSecp256k1"]),
        .target(name: "AlfaStore", dependencies: ["AlfaCore", "AlfaSystem", "CLibPQ"]),
        .target(name: "AlfaTelegram", dependencies: ["AlfaCore", "AlfaHTTP"]),
        // Charts as PNG: the layout is AlfaCore's, the strokes cairo's.
        .target(name: "AlfaCharts", dependencies: ["AlfaCore", "AlfaSystem", "CCairo"]),
        .target(
            name: "AlfaApp",
            dependencies: [
                "AlfaCore", "AlfaSettings", "AlfaSystem", "AlfaHTTP", "AlfaChain", "AlfaStore", "AlfaTelegram", "AlfaCharts",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        // `alfa bench …`: what measures the services sits above them.
        .target(
            name: "AlfaBenchmarks",
            dependencies: [
                "AlfaApp", "AlfaCore", "AlfaSettings", "AlfaSystem", "AlfaHTTP", "AlfaChain", "AlfaStore", "AlfaTelegram", "CMalloc",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "alfa",
            dependencies: [
                "AlfaApp", "AlfaBenchmarks",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // What the test targets share: the PostgreSQL trait.
        .target(name: "AlfaTestSupport", dependencies: ["AlfaCore"], path: "Tests/AlfaTestSupport"),
        .testTarget(name: "AlfaCoreTests", dependencies: ["AlfaCore"]),
        .testTarget(name: "AlfaSettingsTests", dependencies: ["AlfaSettings", "AlfaCore"]),
        .testTarget(name: "AlfaSystemTests", dependencies: ["AlfaSystem"]),
        .testTarget(name: "AlfaHTTPTests", dependencies: ["AlfaHTTP", "AlfaCore"], exclude: ["Peers"]),
        .testTarget(name: "AlfaChainTests", dependencies: ["AlfaChain", "AlfaCore", "AlfaHTTP", "AlfaTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "AlfaStoreTests", dependencies: ["AlfaStore", "AlfaCore", "AlfaTestSupport"]),
        .testTarget(name: "AlfaTelegramTests", dependencies: ["AlfaTelegram", "AlfaTestSupport"]),
        .testTarget(name: "AlfaChartsTests", dependencies: ["AlfaCharts", "AlfaCore"]),
        .testTarget(
            name: "AlfaAppTests",
            dependencies: ["AlfaApp", "AlfaBenchmarks", "AlfaCore", "AlfaSettings", "AlfaSystem", "AlfaStore", "AlfaChain", "AlfaHTTP", "AlfaTelegram",
                           "AlfaTestSupport", .product(name: "Logging", package: "swift-log"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                           .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle")]
        ),
    ]
)
