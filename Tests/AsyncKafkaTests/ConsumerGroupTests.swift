import AsyncKafka
import AsyncKafkaTesting
import Testing

@Suite("Consumer groups and commits")
struct ConsumerGroupTests {
    @Test("a new group with auto.offset.reset=earliest receives everything produced before it joined")
    func earliestAfterJoin() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("earliest", partitions: 3)
        let values = (0..<30).map { "value-\($0)" }
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration())
        for (index, value) in values.enumerated() {
            try await producer.send(KafkaProducerMessage(topic: topic, partition: index % 3, value: value))
        }
        await producer.close()

        let consumer = try KafkaConsumer(configuration: cluster.consumerConfiguration())
        try await consumer.subscribe(to: [topic])
        let received = try await collect(values.count, from: consumer)
        await consumer.close()

        #expect(Set(received.compactMap(\.valueString)) == Set(values))
        #expect(Set(received.map(\.partition)) == [0, 1, 2])
    }

    @Test("a consumer of the same group resumes after the committed offset: no re-delivery, no gap")
    func resumeAfterCommit() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("resume", values: numberedValues(10))
        let group = Unique.name("group")
        var configuration = cluster.consumerConfiguration(group: group)
        configuration.enableAutoCommit = false
        let partition = KafkaTopicPartition(topic: topic, partition: 0, offset: .stored)

        let first = try await KafkaConsumer.assigned(to: [partition], configuration: configuration)
        var firstBatch: [KafkaMessage] = []
        for try await message in first.messages {
            firstBatch.append(message)
            if firstBatch.count == 4 {
                try await first.commit(message)
                break
            }
        }
        await first.close()

        let second = try await KafkaConsumer.assigned(to: [partition], configuration: configuration)
        let rest = try await collect(6, from: second)
        await second.close()

        #expect(firstBatch.map(\.offset) == [0, 1, 2, 3])
        #expect(rest.map(\.offset) == [4, 5, 6, 7, 8, 9])
    }

    @Test("with auto-commit, closing commits what the loop consumed; the message in hand is read again")
    func autoCommitOnClose() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("autocommit", values: numberedValues(50))
        let configuration = cluster.consumerConfiguration()
        let partition = KafkaTopicPartition(topic: topic, partition: 0, offset: .stored)

        let first = try await KafkaConsumer.assigned(to: [partition], configuration: configuration)
        // All 50 messages arrive in one batch; the loop breaks while holding the 7th.
        let taken = try await collect(7, from: first)
        await first.close()

        let second = try await KafkaConsumer.assigned(to: [partition], configuration: configuration)
        let next = try await collect(1, from: second)
        await second.close()

        #expect(taken.last?.offset == 6)
        #expect(next.first?.offset == 6)
    }

    @Test("with the automatic offset store off, only stored offsets are committed")
    func manualStore() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("store", values: numberedValues(10))
        var configuration = cluster.consumerConfiguration()
        configuration.enableAutoOffsetStore = false
        let partition = KafkaTopicPartition(topic: topic, partition: 0, offset: .stored)

        let first = try await KafkaConsumer.assigned(to: [partition], configuration: configuration)
        var count = 0
        for try await message in first.messages {
            count += 1
            // Only every message up to offset 2 is "processed".
            if message.offset <= 2 { try first.store(message) }
            if count == 8 { break }
        }
        await first.close()

        let second = try await KafkaConsumer.assigned(to: [partition], configuration: configuration)
        let next = try await collect(1, from: second)
        await second.close()
        #expect(next.first?.offset == 3)
    }

    @Test("storing or committing an offset for a partition that is not assigned is a typed error")
    func storeUnassigned() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("unassigned", partitions: 2)
        _ = try await cluster.produce(["x"], to: topic, partition: 0)
        var configuration = cluster.consumerConfiguration()
        configuration.enableAutoOffsetStore = false
        let consumer = try await KafkaConsumer.assigned(
            to: [KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)], configuration: configuration)
        let stranger = KafkaMessage(topic: topic, partition: 1, offset: 0, value: nil)
        let error = #expect(throws: KafkaError.self) { try consumer.store(stranger) }
        #expect(error?.code == .partitionNotAssigned)
        await consumer.close()
    }

    @Test("cancelling the consuming task closes the consumer: final commit, LeaveGroup, takeover")
    func cancellationLeavesGroup() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("cancel", partitions: 2)
        // consumerConfiguration's 6 s session timeout keeps the mock's re-forming of the group short.
        let configuration = cluster.consumerConfiguration(group: Unique.name("group"))
        _ = try await cluster.produce(["a0"], to: topic, partition: 0)
        _ = try await cluster.produce(["a1"], to: topic, partition: 1)

        var firstConfiguration = configuration
        firstConfiguration.debugContexts = ["cgrp"]
        let log = CapturingLogHandler()
        let first = try KafkaConsumer(configuration: firstConfiguration, logger: log.logger)
        try await first.subscribe(to: [topic])
        let seen = AsyncStream<KafkaMessage>.makeStream()
        let consuming = Task {
            for try await message in first.messages { seen.continuation.yield(message) }
        }
        var firstValues: Set<String> = []
        for await message in seen.stream {
            firstValues.insert(message.valueString ?? "")
            if firstValues.count == 2 { break }
        }
        consuming.cancel()
        try await consuming.value
        await first.close()
        #expect(firstValues == ["a0", "a1"])
        // librdkafka logs its LeaveGroup request under the LEAVE facility.
        #expect(log.captured.contains { $0.metadata["kafka.facility"] == "LEAVE" })

        let second = try KafkaConsumer(configuration: configuration)
        try await second.subscribe(to: [topic])
        _ = try await cluster.produce(["b0"], to: topic, partition: 0)
        _ = try await cluster.produce(["b1"], to: topic, partition: 1)
        let secondValues = try await collect(2, from: second).compactMap(\.valueString)
        await second.close()

        // The first member's offsets were committed on close: the second starts after a0/a1,
        // and as the only member it reads both partitions.
        #expect(Set(secondValues) == ["b0", "b1"])
    }

    @Test("auto.offset.reset=error ends the stream with a typed, non-retriable error")
    func offsetResetErrorEndsStream() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("reset-error", values: ["x"])
        var configuration = cluster.consumerConfiguration()
        configuration.autoOffsetReset = .error
        let consumer = try await KafkaConsumer.assigned(to: [KafkaTopicPartition(topic: topic, partition: 0)], configuration: configuration)
        await #expect(throws: KafkaError.self) {
            for try await _ in consumer.messages {}
        }
        await consumer.close()
    }
}

@Suite("Subscription")
struct SubscriptionTests {
    @Test("subscription() lists the topics; unsubscribe() revokes the partitions, commits what was consumed and keeps the consumer open")
    func unsubscribe() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("unsubscribe", values: numberedValues(10))
        let group = Unique.name("group")
        let consumer = try KafkaConsumer(configuration: cluster.consumerConfiguration(group: group))
        #expect(try await consumer.subscription() == [])
        let events = consumer.rebalanceEvents
        try await consumer.subscribe(to: [topic])
        #expect(try await consumer.subscription() == [topic])

        var iterator = consumer.messages.makeAsyncIterator()
        for _ in 0..<4 { _ = try await iterator.next() }  // consumed 0-2, holds 3
        try await consumer.unsubscribe()
        var revoked: [KafkaTopicPartition] = []
        for await event in events {
            if event.kind == .revoked {
                revoked = event.partitions
                break
            }
        }
        #expect(revoked.map(\.partition) == [0])
        #expect(try await consumer.subscription() == [])
        #expect(try await consumer.assignment() == [])

        // Still open: it can read the partition again by assignment, from the committed offset.
        try await consumer.assign([KafkaTopicPartition(topic: topic, partition: 0, offset: .stored)])
        #expect(try await iterator.next()?.offset == 3)
        await consumer.close()
    }
}
