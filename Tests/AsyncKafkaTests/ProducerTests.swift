@testable import AsyncKafka
import AsyncKafkaTesting
import Testing

@Suite("Producer")
struct ProducerTests {
    @Test("a full librdkafka queue makes senders wait instead of failing")
    func queueFullWaits() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("queuefull")
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration(queueLimit: 5))
        for index in 0..<200 {
            try await producer.enqueue(KafkaProducerMessage(topic: topic, partition: 0, value: "m\(index)"))
        }
        try await producer.flush(timeout: .seconds(30))
        #expect(producer.queuedMessageCount == 0)
        await producer.close()

        let consumer = try await KafkaConsumer.assigned(
            to: [KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)], configuration: cluster.consumerConfiguration())
        let received = try await collect(200, from: consumer)
        #expect(received.map(\.valueString) == (0..<200).map { "m\($0)" })
    }

    @Test("tombstones in one call: value: nil without a key, and tombstone(topic:key:)")
    func tombstones() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("tombstones")
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration())
        let messages = [
            KafkaProducerMessage(topic: topic, value: nil),
            KafkaProducerMessage(topic: topic, partition: 0, value: nil),
            .tombstone(topic: topic),
            .tombstone(topic: topic, key: "user-42"),
            .tombstone(topic: topic, partition: 0, key: [0x01, 0x02]),
        ]
        #expect(messages.allSatisfy { $0.value == nil })
        for message in messages {
            try await producer.send(message)
        }
        await producer.close()

        let consumer = try await KafkaConsumer.assigned(
            to: [KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)], configuration: cluster.consumerConfiguration())
        let received = try await collect(messages.count, from: consumer)
        #expect(received.map { $0.value == nil } == Array(repeating: true, count: messages.count))
        #expect(received.map { $0.key.map { Array($0) } } == [nil, nil, nil, Array("user-42".utf8), [0x01, 0x02]])
    }

    @Test("messages with the same key land on the same partition")
    func keyPartitioning() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("keys", partitions: 6)
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration())
        var partitionsByKey: [String: Set<Int>] = [:]
        for index in 0..<60 {
            let key = "key-\(index % 5)"
            let report = try await producer.send(KafkaProducerMessage(topic: topic, key: key, value: "v\(index)"))
            partitionsByKey[key, default: []].insert(report.partition)
        }
        await producer.close()
        #expect(partitionsByKey.count == 5)
        #expect(partitionsByKey.values.allSatisfy { $0.count == 1 })
    }

    @Test("bad messages are refused with typed errors and nothing else is affected")
    func badMessages() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("bad", partitions: 2)
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration(messageMaxBytes: 10_000))

        await expectKafkaError(.invalidArgument) {
            try await producer.send(KafkaProducerMessage(topic: "", value: "v"))
        }
        await expectKafkaError(.invalidArgument) {
            try await producer.send(KafkaProducerMessage(topic: topic, partition: -3, value: "v"))
        }
        await expectKafkaError(.messageTooLarge) {
            try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: [UInt8](repeating: 1, count: 20_000)))
        }
        await expectKafkaError(.unknownTopicOrPartition) {
            try await producer.send(KafkaProducerMessage(topic: topic, partition: 7, value: "v"))
        }

        let report = try await producer.send(KafkaProducerMessage(topic: topic, partition: 1, value: "fine"))
        #expect(report.offset == 0)
        await producer.close()
    }
}

/// A sender waiting for room in a full queue leaves when its time is up or its task is cancelled.
@Suite("Producer queue waits")
struct ProducerQueueWaitTests {
    /// A producer whose queue (one message) stays full: the brokers are down.
    private func fullProducer() async throws -> (KafkaProducer, String, EmbeddedKafkaCluster) {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("full")
        try cluster.setAllBrokersDown()
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration(queueLimit: 1))
        try await producer.enqueue(KafkaProducerMessage(topic: topic, partition: 0, value: "fills the queue"))
        return (producer, topic, cluster)
    }

    @Test("send(_:queueTimeout:) throws timedOut (queueFull) once the timeout has passed, and sends nothing")
    func queueTimeout() async throws {
        let (producer, topic, cluster) = try await self.fullProducer()
        let started = ContinuousClock.now
        let error = await #expect(throws: KafkaError.self) {
            try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "late"), queueTimeout: .milliseconds(500))
        }
        let elapsed = ContinuousClock.now - started
        #expect(error?.code == .timedOut)
        #expect(error?.librdkafkaCode == .queueFull)
        #expect(elapsed >= .milliseconds(500) && elapsed < .seconds(10), "\(elapsed)")
        #expect(producer.queuedMessageCount == 1)
        await producer.close(timeout: .zero)
        _ = cluster
    }

    @Test("cancelling a send that waits for room ends the wait at once with cancelled")
    func cancelWaitingSend() async throws {
        let (producer, topic, cluster) = try await self.fullProducer()
        let sending = Task {
            try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "cancelled"))
        }
        // Wait (bounded) until the sender is waiting for room, not merely about to.
        let deadline = ContinuousClock.now + .seconds(20)
        while producer.engine.spaceWaiters.withLock({ $0.count }) == 0 && ContinuousClock.now < deadline {
            await Task.yield()
        }
        #expect(producer.engine.spaceWaiters.withLock { $0.count } == 1)
        sending.cancel()
        let result = await sending.result
        #expect(throws: KafkaError.self) { try result.get() }
        #expect((try? result.get()) == nil)
        if case .failure(let error as KafkaError) = result { #expect(error.code == .cancelled) }
        #expect(producer.engine.spaceWaiters.withLock { $0.count } == 0)
        #expect(producer.queuedMessageCount == 1)
        await producer.close(timeout: .zero)
        _ = cluster
    }
}
