// swift-tools-version: 6.1
// AsyncKafka against plain C librdkafka, side by side, on one embedded broker.
//
//   swift run -c release --package-path Benchmarks --scratch-path Benchmarks/.build-bench \
//       AsyncKafkaBenchmarks [--only produce,consume,...] [--quick] [--help]
import PackageDescription

let package = Package(
    name: "AsyncKafkaBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "AsyncKafka", path: ".."),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // malloc & co. interposed in the executable, counting allocation calls process-wide.
        .target(name: "CAllocCounter"),
        // The C baseline: plain librdkafka loops (system librdkafka, `librdkafka-dev`).
        .target(
            name: "CBenchmarkLoops",
            dependencies: ["CAllocCounter"],
            linkerSettings: [.linkedLibrary("rdkafka"), .linkedLibrary("pthread")]
        ),
        .executableTarget(
            name: "AsyncKafkaBenchmarks",
            dependencies: [
                "CBenchmarkLoops",
                "CAllocCounter",
                .product(name: "AsyncKafka", package: "AsyncKafka"),
                .product(name: "AsyncKafkaTesting", package: "AsyncKafka"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
