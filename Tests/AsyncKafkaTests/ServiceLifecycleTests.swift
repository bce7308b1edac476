import AsyncKafka
import AsyncKafkaTesting
import Logging
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

@Suite("swift-service-lifecycle integration")
struct ServiceLifecycleTests {
    @Test("on a simulated shutdown signal, a ServiceGroup closes the consumer (committing) and the producer (delivering)")
    func gracefulShutdown() async throws {
        let cluster = try EmbeddedKafkaCluster()
        let input = Unique.name("lifecycle-in")
        let output = Unique.name("lifecycle-out")
        try cluster.createTopic(input, partitions: 1)
        try cluster.createTopic(output, partitions: 1)
        _ = try await cluster.produce((0..<6).map { "m\($0)" }, to: input)
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

        let closed = await #expect(throws: KafkaError.self) { try await consumer.commit() }
        #expect(closed?.code == .clientClosed)
        #expect(producer.queuedMessageCount == 0)
        let sendAfterClose = await #expect(throws: KafkaError.self) {
            try await producer.send(KafkaProducerMessage(topic: output, value: "late"))
        }
        #expect(sendAfterClose?.code == .clientClosed)

        // The group's committed offset covers what was consumed, and every enqueued message was delivered.
        let checker = try KafkaConsumer(configuration: cluster.consumerConfiguration(group: group))
        let committed = try await checker.committed([KafkaTopicPartition(topic: input, partition: 0)])
        let delivered = try await checker.watermarks(topic: output, partition: 0)
        await checker.close()
        let committedOffset = try #require(committed.first?.offset)
        #expect(committedOffset.isAbsolute && committedOffset.rawValue >= 5)
        #expect(delivered.high == 6)
    }

    @Test("run() returns when the consumer is closed without a shutdown")
    func runEndsWhenConsumerCloses() async throws {
        let cluster = try EmbeddedKafkaCluster()
        let consumer = try KafkaConsumer(configuration: cluster.consumerConfiguration())
        async let running: Void = consumer.run()
        await consumer.close()
        try await running
    }
}
