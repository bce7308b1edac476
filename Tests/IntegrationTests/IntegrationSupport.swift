import AsyncKafka
import Logging
import Foundation
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the integration tier is given through the environment (`scripts/integration.sh` sets it).
///
/// - `ASYNCKAFKA_TEST_BROKERS`: `host:port` of a running Kafka-protocol broker. Without it every
///   integration test is skipped.
/// - `ASYNCKAFKA_TANSU_BIN`: the Tansu executable, for tests that start (and kill) a broker of their own.
/// - `ASYNCKAFKA_EXAMPLES_BIN`: the build folder holding `ProducerExample` and `ConsumerExample`.
enum Integration {
    static let brokers: String? = Self.variable("ASYNCKAFKA_TEST_BROKERS")
    static let tansuBinary: String? = Self.variable("ASYNCKAFKA_TANSU_BIN")
    static let examplesFolder: String? = Self.variable("ASYNCKAFKA_EXAMPLES_BIN")

    static var enabled: Bool { Self.brokers != nil }
    static var canStartBrokers: Bool { Self.brokers != nil && Self.tansuBinary != nil }

    /// The shared broker's address; only call it from tests enabled by ``enabled``.
    static var bootstrapServers: String { Self.brokers! }

    private static func variable(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }
}

/// Names unique within and across runs, so that tests sharing a broker never share topics or groups.
enum Unique {
    private static let counter = Atomic<Int>(0)

    static func name(_ prefix: String) -> String {
        let next = Self.counter.add(1, ordering: .relaxed).newValue
        return "\(prefix)-\(next)-\(UInt32.random(in: 0...UInt32.max))"
    }
}

/// Client configurations for a real broker.
enum Clients {
    /// A group consumer reading from the earliest offset. Tansu holds the first JoinGroup of a
    /// group for `session.timeout.ms / 2`: 3 s with this 6 s session timeout, 22.5 s with the default.
    static func consumer(
        _ servers: String = Integration.bootstrapServers,
        group: String? = Unique.name("group")
    ) -> KafkaConsumerConfiguration {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: servers, groupID: group, autoOffsetReset: .earliest)
        configuration.sessionTimeout = .seconds(6)
        configuration.fetchWaitMax = .milliseconds(100)
        configuration.closeTimeout = .seconds(15)
        return configuration
    }

    static func producer(_ servers: String = Integration.bootstrapServers) -> KafkaProducerConfiguration {
        var configuration = KafkaProducerConfiguration(bootstrapServers: servers)
        configuration.linger = .milliseconds(1)
        configuration.messageTimeout = .seconds(20)
        return configuration
    }

    static func admin(_ servers: String = Integration.bootstrapServers) -> KafkaAdminConfiguration {
        KafkaAdminConfiguration(bootstrapServers: servers)
    }
}

/// Creates `topic` with `partitions` partitions through the admin client.
func createTopic(_ topic: String, partitions: Int, servers: String = Integration.bootstrapServers) async throws {
    let admin = try KafkaAdminClient(configuration: Clients.admin(servers))
    let results: [KafkaTopicResult]
    do {
        results = try await admin.createTopics([KafkaNewTopic(name: topic, partitions: partitions)], timeout: .seconds(20))
    } catch {
        await admin.close()
        throw error
    }
    await admin.close()
    if let error = results.compactMap(\.error).first { throw error }
}

/// Creates `topic` unless it exists already (a client may have had it auto-created).
func ensureTopic(_ topic: String, partitions: Int, servers: String) async throws {
    do {
        try await createTopic(topic, partitions: partitions, servers: servers)
    } catch let error as KafkaError where error.librdkafkaCode?.name == "TOPIC_ALREADY_EXISTS" {
        return
    }
}

/// A logger for clients that are expected to lose their broker: librdkafka reports every
/// refused connection at error level, which would bury the run's output. Errors still reach the
/// test as thrown `KafkaError`s.
let quietLogger: Logger = {
    var logger = Logger(label: "AsyncKafka.IntegrationTests")
    logger.logLevel = .critical
    return logger
}()

/// Runs `body`, failing with ``TimedOut`` when it has not finished within `limit` (the body is cancelled).
func within<T: Sendable>(
    _ limit: Duration,
    _ what: String,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try? await Task.sleep(for: limit)  // a deadline, not synchronisation
            return nil
        }
        let first = try await group.next() ?? nil
        group.cancelAll()
        guard let first else { throw TimedOut(what: what, limit: limit) }
        return first
    }
}

struct TimedOut: Error, CustomStringConvertible {
    let what: String
    let limit: Duration
    var description: String { "\(self.what) did not finish within \(self.limit)" }
}

/// Polls `condition` every 100 ms until it holds or `limit` passes. For state held by another
/// process (a broker's group), which announces nothing we could wait on.
func eventually(
    within limit: Duration,
    _ what: String,
    _ condition: @Sendable () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(100))  // polling interval under a deadline
    }
    throw TimedOut(what: what, limit: limit)
}

/// Reads from `consumer` until `done` says so, then leaves the loop (which closes the consumer).
func consume(
    _ consumer: KafkaConsumer,
    within limit: Duration,
    until done: @escaping @Sendable ([KafkaMessage]) -> Bool
) async throws -> [KafkaMessage] {
    try await within(limit, "consuming") {
        var messages: [KafkaMessage] = []
        for try await message in consumer.messages {
            messages.append(message)
            if done(messages) { break }
        }
        return messages
    }
}

/// A free TCP port on 127.0.0.1 (bound to port 0, read back, released).
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXFailure(call: "socket", code: errno) }
    defer { close(fd) }
    var address = loopbackAddress(port: 0)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw POSIXFailure(call: "bind", code: errno) }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { throw POSIXFailure(call: "getsockname", code: errno) }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Whether something accepts TCP connections on 127.0.0.1:`port`.
func acceptsConnections(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = loopbackAddress(port: port)
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    return result == 0
}

private func loopbackAddress(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return address
}

struct POSIXFailure: Error, CustomStringConvertible {
    let call: String
    let code: Int32
    var description: String { "\(self.call) failed: \(String(cString: strerror(self.code)))" }
}

/// Runs `body` and returns what it returned or threw, as a value.
func attempt<T>(_ body: () async throws(KafkaError) -> T) async -> Result<T, KafkaError> {
    do throws(KafkaError) {
        return .success(try await body())
    } catch {
        return .failure(error)
    }
}

extension Result {
    /// The error, or `nil` on success.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
