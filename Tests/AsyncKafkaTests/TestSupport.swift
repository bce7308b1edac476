import AsyncKafka
import AsyncKafkaTesting
import Logging
import Synchronization

/// Names unique within the test run, so that tests sharing a process never share topics or groups.
enum Unique {
    private static let counter = Atomic<Int>(0)

    static func name(_ prefix: String) -> String {
        let next = Self.counter.add(1, ordering: .relaxed).newValue
        return "\(prefix)-\(next)-\(UInt32.random(in: 0...UInt32.max))"
    }
}

extension EmbeddedKafkaCluster {
    /// A consumer configuration tuned for the embedded broker: short fetch waits, a fresh group,
    /// a short session timeout.
    func consumerConfiguration(group: String? = Unique.name("group")) -> KafkaConsumerConfiguration {
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: self.bootstrapServers,
            groupID: group,
            autoOffsetReset: .earliest
        )
        configuration.fetchWaitMax = .milliseconds(10)
        // The mock answers a rejoin after about session.timeout.ms - 1 s. Under the parallel
        // suite's load, librdkafka sometimes rejoins right after its first JoinGroup ("subscription
        // updated from metadata change"), and with the 45 s default that JoinGroup took 44 s
        // (cgrp debug log): one subscribing test in three full runs lasted 48 s instead of 4 s.
        configuration.sessionTimeout = .seconds(6)
        configuration.properties["topic.metadata.refresh.interval.ms"] = "500"
        return configuration
    }

    /// ``consumerConfiguration(group:)`` for the at-least-once pattern: the test stores offsets
    /// with `store(_:)` and commits them with `commit()`; nothing is stored or committed automatically.
    func manualCommitConsumerConfiguration(group: String = Unique.name("group")) -> KafkaConsumerConfiguration {
        var configuration = self.consumerConfiguration(group: group)
        configuration.enableAutoCommit = false
        configuration.enableAutoOffsetStore = false
        return configuration
    }

    /// A producer configuration tuned for tests: send at once; with `queueLimit`, librdkafka's
    /// queue holds at most that many messages (`queue.buffering.max.messages`), so senders find it full;
    /// with `messageMaxBytes`, larger messages are refused.
    func producerConfiguration(queueLimit: Int? = nil, messageMaxBytes: Int? = nil) -> KafkaProducerConfiguration {
        var configuration = KafkaProducerConfiguration(bootstrapServers: self.bootstrapServers)
        configuration.linger = .milliseconds(0)
        if let queueLimit { configuration.properties["queue.buffering.max.messages"] = "\(queueLimit)" }
        if let messageMaxBytes { configuration.messageMaxBytes = messageMaxBytes }
        return configuration
    }

    /// Produces `values` to `topic` (partition `partition`, or by key) and returns their delivery reports.
    func produce(_ values: [String], to topic: String, partition: Int? = 0) async throws -> [KafkaDeliveryReport] {
        let producer = try KafkaProducer(configuration: self.producerConfiguration())
        var reports: [KafkaDeliveryReport] = []
        for value in values {
            reports.append(try await producer.send(KafkaProducerMessage(topic: topic, partition: partition, value: value)))
        }
        await producer.close()
        return reports
    }
}

/// Reads `count` messages from `consumer`, then stops iterating (which closes the consumer).
/// Throws ``CollectTimedOut`` when they have not all arrived within `timeout`, so that a test
/// waiting for a message that never comes fails instead of hanging the run.
func collect(_ count: Int, from consumer: KafkaConsumer, within timeout: Duration = .seconds(60)) async throws -> [KafkaMessage] {
    guard count > 0 else { return [] }
    let messages = try await withDeadline(timeout) {
        var messages: [KafkaMessage] = []
        for try await message in consumer.messages {
            messages.append(message)
            if messages.count == count { break }
        }
        return messages
    }
    guard let messages else { throw CollectTimedOut(count: count, timeout: timeout) }
    return messages
}

/// ``collect(_:from:within:)`` did not receive its messages in time (the iteration is cancelled,
/// which closes the consumer).
struct CollectTimedOut: Error, CustomStringConvertible {
    let count: Int
    let timeout: Duration
    var description: String { "\(self.count) messages did not arrive within \(self.timeout)" }
}

/// A swift-log handler that keeps every line, so tests can assert on what a client logged.
final class CapturingLogHandler: LogHandler, @unchecked Sendable {
    struct Line: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: [String: String]
    }

    private let lines = Mutex<[Line]>([])
    private let (stream, continuation) = AsyncStream.makeStream(of: Line.self)
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let metadata = (event.metadata ?? [:]).mapValues { "\($0)" }
        let line = Line(level: event.level, message: "\(event.message)", metadata: metadata)
        self.lines.withLock { $0.append(line) }
        self.continuation.yield(line)
    }

    /// The first line logged with `message` (already, or within `timeout`; else `nil`).
    /// Once per handler: the lines are read from one stream, which the first call ends.
    func line(_ message: String, within timeout: Duration = .seconds(20)) async -> Line? {
        await first(of: self.stream, within: timeout) { $0.message == message }
    }

    var captured: [Line] {
        self.lines.withLock { $0 }
    }

    /// A logger writing into this handler.
    var logger: Logger {
        Logger(label: "test") { _ in self }
    }
}
