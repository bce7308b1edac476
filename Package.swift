// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "AsyncKafka",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "AsyncKafka", targets: ["AsyncKafka"]),
        .library(name: "AsyncKafkaTesting", targets: ["AsyncKafkaTesting"]),
    ],
    dependencies: [
        // 1.11.0: the first with LogEvent and LogHandler.log(event:), which SecretRedactingLogHandler implements.
        .package(url: "https://github.com/apple/swift-log", from: "1.11.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.1.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    ],
    targets: [
        // librdkafka from the system, found through pkg-config.
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"]), .brew(["librdkafka"])]
        ),
        // A few C helpers where librdkafka's API does not import well into Swift.
        .target(name: "CAsyncKafkaShim", dependencies: ["CRdKafka"]),
        .target(
            name: "AsyncKafka",
            dependencies: [
                "CRdKafka",
                "CAsyncKafkaShim",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "AsyncKafkaTesting",
            dependencies: ["CRdKafka", "AsyncKafka"]
        ),
        .executableTarget(
            name: "ProducerExample",
            dependencies: ["AsyncKafka", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Examples/Producer"
        ),
        .executableTarget(
            name: "ConsumerExample",
            dependencies: ["AsyncKafka", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Examples/Consumer"
        ),
        .executableTarget(
            name: "TransactionalExample",
            dependencies: ["AsyncKafka", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Examples/Transactional"
        ),
        .executableTarget(
            name: "Demo",
            dependencies: [
                "AsyncKafka",
                "AsyncKafkaTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Examples/Demo"
        ),
        .executableTarget(
            name: "akcat",
            dependencies: [
                "AsyncKafka",
                "AsyncKafkaTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/akcat"
        ),
        .testTarget(
            name: "AsyncKafkaTests",
            dependencies: [
                "AsyncKafka",
                "AsyncKafkaTesting",
                "CRdKafka",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ]
        ),
        // Against a real broker over TCP (scripts/integration.sh starts one); skipped unless
        // ASYNCKAFKA_TEST_BROKERS names it.
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "AsyncKafka",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
