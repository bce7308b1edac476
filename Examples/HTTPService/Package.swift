// swift-tools-version: 6.2
import PackageDescription

// The HTTP service example is a package of its own, so that AsyncKafka's build does not pull
// a web framework: it depends on AsyncKafka by path.
let package = Package(
    name: "HTTPService",
    platforms: [.macOS(.v15)],
    dependencies: [
        // name: a path dependency's identity is its folder's name, which depends on the clone.
        .package(name: "AsyncKafka", path: "../.."),
        // No traits: the service needs neither swift-configuration nor full Foundation.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.11.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .executableTarget(
            name: "HTTPService",
            dependencies: [
                .product(name: "AsyncKafka", package: "AsyncKafka"),
                .product(name: "AsyncKafkaTesting", package: "AsyncKafka"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        )
    ],
    swiftLanguageModes: [.v6]
)
