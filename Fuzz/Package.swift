// swift-tools-version: 6.1
// alfa's fuzzers: one libFuzzer binary whose target is chosen by ALFA_FUZZ_TARGET.
// Built by commands/fuzz with -sanitize=fuzzer,address; a package of its own because those
// flags reach every module it links, and the service is never built with them.
import PackageDescription

let package = Package(
    name: "alfa-fuzz",
    dependencies: [.package(name: "alfa", path: "..")],
    targets: [
        .target(name: "CFuzzer"),
        .executableTarget(name: "alfa-fuzz", dependencies: ["CFuzzer", .product(name: "AlfaParsers", package: "alfa")]),
    ]
)
