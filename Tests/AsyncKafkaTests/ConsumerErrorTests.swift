import AsyncKafka
import AsyncKafkaTesting
import Testing

/// Errors that do not end the message loop reach the application on `errors`; a missing topic
/// and unreachable brokers end the loop when the configuration asks for it.
@Suite("Consumer errors")
struct ConsumerErrorTests {
    /// An address where nothing listens (port 1 on loopback: refused at once).
    static let nowhere = "127.0.0.1:1"

    @Test("subscribing to a topic that does not exist is reported on errors; the loop keeps waiting")
    func missingTopicReported() async throws {
        let cluster = try EmbeddedKafkaCluster()
        let topic = Unique.name("missing")
        try cluster.setTopicError(topic, .unknownTopicOrPartition)  // what a broker answers for a topic it does not have
        let consumer = try KafkaConsumer(configuration: cluster.consumerConfiguration())
        let errors = consumer.errors
        try await consumer.subscribe(to: [topic])
        let loop = Task { for try await _ in consumer.messages {} }
        let error = try #require(await first(of: errors, within: .seconds(30)) { $0.code == .unknownTopicOrPartition })
        #expect(error.librdkafkaCode == .unknownTopicOrPartition)
        await consumer.close()
        // The loop ended because of the close, not because of the error.
        try await loop.value
    }

    @Test("with failOnMissingTopic, the loop ends with unknownTopicOrPartition")
    func missingTopicEndsLoop() async throws {
        let cluster = try EmbeddedKafkaCluster()
        var configuration = cluster.consumerConfiguration()
        configuration.failOnMissingTopic = true
        let topic = Unique.name("missing")
        try cluster.setTopicError(topic, .unknownTopicOrPartition)
        let consumer = try KafkaConsumer(configuration: configuration)
        try await consumer.subscribe(to: [topic])
        await expectKafkaError(.unknownTopicOrPartition) {
            _ = try await collect(1, from: consumer, within: .seconds(30))
        }
        await consumer.close()
    }

    @Test("unreachable brokers are reported on errors, with librdkafka's code")
    func unreachableReported() async throws {
        let consumer = try KafkaConsumer(configuration: .init(bootstrapServers: Self.nowhere, groupID: Unique.name("group")))
        let errors = consumer.errors
        try await consumer.subscribe(to: ["t"])
        let error = try #require(await first(of: errors, within: .seconds(30)) { $0.librdkafkaCode == .allBrokersDown })
        #expect(error.code == .timedOut)
        await consumer.close()
    }

    @Test("with failAfterBrokersDown, the loop ends with timedOut (_ALL_BROKERS_DOWN) once that time has passed")
    func unreachableEndsLoop() async throws {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: Self.nowhere, groupID: Unique.name("group"))
        configuration.failAfterBrokersDown = .seconds(2)
        let started = ContinuousClock.now  // the brokers are found down after this
        let consumer = try KafkaConsumer(configuration: configuration)
        try await consumer.subscribe(to: ["t"])
        let error = await #expect(throws: KafkaError.self) {
            _ = try await collect(1, from: consumer, within: .seconds(30))
        }
        let elapsed = ContinuousClock.now - started
        #expect(error?.code == .timedOut)
        #expect(error?.librdkafkaCode == .allBrokersDown)
        #expect(elapsed >= .seconds(2) && elapsed < .seconds(15), "\(elapsed)")
        await consumer.close()
    }

    @Test("a connection failure is logged once, and its repeats are thinned out, while each is reported on errors")
    func connectionFailureLoggedOnce() async throws {
        let log = CapturingLogHandler()
        var configuration = KafkaConsumerConfiguration(bootstrapServers: Self.nowhere, groupID: Unique.name("group"))
        configuration.properties["reconnect.backoff.max.ms"] = "500"
        var logger = log.logger
        logger.logLevel = .info
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        let errors = consumer.errors
        try await consumer.subscribe(to: ["t"])
        let failures = Task {
            var count = 0
            for await error in errors where error.librdkafkaCode == .transport {
                count += 1
                if count == 2 { break }
            }
            return count
        }
        let reported = try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask { await failures.value }
            group.addTask {
                try await Task.sleep(for: .seconds(30))  // a deadline, not synchronisation
                return 0
            }
            defer { group.cancelAll() }
            return try await group.next() ?? 0
        }
        failures.cancel()
        await consumer.close()
        let lines = log.captured.filter { $0.message.contains("Connection refused") }
        #expect(reported == 2)
        // librdkafka's own line for the failure (facility FAIL) is not forwarded: the error event says the same.
        #expect(lines.count == 1, "\(lines.map { "\($0.level) \($0.message)" })")
        #expect(lines.first?.metadata["kafka.error"] == "_TRANSPORT")
    }
}
