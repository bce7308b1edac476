import AsyncKafka
import AsyncKafkaTesting
import Logging
import ServiceLifecycle
import ServiceLifecycleTestKit
import Synchronization
import Testing

@Suite("swift-service-lifecycle integration")
struct ServiceLifecycleTests {
    @Test("on a simulated shutdown signal, a ServiceGroup closes the consumer (committing) and the producer (delivering)")
    func gracefulShutdown() async throws {
        let (cluster, input) = try await EmbeddedKafkaCluster.withTopic("lifecycle-in", values: numberedValues(6))
        let output = try await cluster.makeTopic("lifecycle-out")
        let group = Unique.name("lifecycle-group")

        let consumer = try KafkaConsumer(configuration: cluster.consumerConfiguration(group: group))
        try await consumer.subscribe(to: [input])
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration())
        let logger = Logger(label: "lifecycle-test") { _ in SwiftLogNoOpLogHandler() }

        try await testGracefulShutdown { trigger in
            let services = ServiceGroup(services: [consumer, producer], logger: logger)
            async let running: Void = services.run()
            var received = 0
            // The loop ends when the consumer closes on the shutdown it triggers.
            for try await message in consumer.messages {
                received += 1
                // Fire and forget: only the producer's close guarantees these are delivered.
                try await producer.enqueue(KafkaProducerMessage(topic: output, partition: 0, value: message.value.map(Array.init)))
                if received == 6 { trigger.triggerGracefulShutdown() }
            }
            try await running
            #expect(received == 6)
        }

        await expectKafkaError(.clientClosed) { try await consumer.commit() }
        #expect(producer.queuedMessageCount == 0)
        await expectKafkaError(.clientClosed) {
            try await producer.send(KafkaProducerMessage(topic: output, value: "late"))
        }

        // The group's committed offset covers what was consumed, and every enqueued message was delivered.
        let checker = try KafkaConsumer(configuration: cluster.consumerConfiguration(group: group))
        let committed = try await checker.committed([KafkaTopicPartition(topic: input, partition: 0)])
        let delivered = try await checker.watermarks(topic: output, partition: 0)
        await checker.close()
        let committedOffset = try #require(committed.first?.offset)
        #expect(committedOffset.isAbsolute && committedOffset.rawValue >= 5)
        #expect(delivered.high == 6)
    }

    @Test("in a ServiceGroup, the consumer's run() outlives its message loop; the group runs on until its shutdown")
    func runOutlivesMessageLoop() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("lifecycle-loop", values: ["a", "b"])
        let consumer = try KafkaConsumer(configuration: cluster.consumerConfiguration())
        try await consumer.subscribe(to: [topic])
        let other = Beacon()
        let logger = Logger(label: "lifecycle-test") { _ in SwiftLogNoOpLogHandler() }

        try await testGracefulShutdown { trigger in
            let services = ServiceGroup(services: [consumer, other], logger: logger)
            let running = Task { try await services.run() }
            // The message loop ends (break): the consumer closes, and its run() must not return.
            _ = try await collect(1, from: consumer)
            await consumer.close()
            try await other.waitUntilRunning()
            trigger.triggerGracefulShutdown()
            try await running.value
            // Had the consumer's run() returned, the group (.cancelGroup) would have cancelled the other service.
            #expect(!other.wasCancelled)
            #expect(other.stoppedGracefully)
        }
    }

    @Test("outside a group, run() returns when its task is cancelled, and the consumer is closed")
    func runEndsOnCancellation() async throws {
        let cluster = try EmbeddedKafkaCluster()
        let consumer = try KafkaConsumer(configuration: cluster.consumerConfiguration())
        let running = Task { try await consumer.run() }
        running.cancel()
        try await running.value
        await expectKafkaError(.clientClosed) { try await consumer.assignment() }
    }
}

/// A service that runs until graceful shutdown, recording how it ended.
private final class Beacon: Service, @unchecked Sendable {
    private let state = Mutex<(running: Bool, cancelled: Bool, graceful: Bool)>((false, false, false))
    private let (started, startedContinuation) = AsyncStream<Void>.makeStream()

    var wasCancelled: Bool { self.state.withLock { $0.cancelled } }
    var stoppedGracefully: Bool { self.state.withLock { $0.graceful } }

    func run() async throws {
        self.state.withLock { $0.running = true }
        self.startedContinuation.yield()
        do {
            try await gracefulShutdown()
            self.state.withLock { $0.graceful = true }
        } catch {
            self.state.withLock { $0.cancelled = true }
        }
    }

    /// Returns once ``run()`` has started.
    func waitUntilRunning() async throws {
        if self.state.withLock({ $0.running }) { return }
        for await _ in self.started { return }
    }
}
