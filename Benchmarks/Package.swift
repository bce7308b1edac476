// swift-tools-version: 6.1
// AsyncKafka against plain C librdkafka, side by side, on one embedded broker.
//
//   swift run -c release --package-path Benchmarks --scratch-path Benchmarks/.build-bench \
//       AsyncKafkaBenchmarks [--messages N] [--size B] [--partitions P] [--quick]
import PackageDescription

let package = Package(
    name: "AsyncKafkaBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "AsyncKafka", path: ".."),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // The C baseline: plain librdkafka loops (system librdkafka, `librdkafka-dev`).
        .target(
            name: "CBenchmarkLoops",
            linkerSettings: [.linkedLibrary("rdkafka")]
        ),
        .executableTarget(
            name: "AsyncKafkaBenchmarks",
            dependencies: [
                "CBenchmarkLoops",
                .product(name: "AsyncKafka", package: "AsyncKafka"),
                .product(name: "AsyncKafkaTesting", package: "AsyncKafka"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
