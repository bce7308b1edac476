import AsyncKafka
import AsyncKafkaTesting
import Testing

/// Bad consumer calls: each is a typed error, and the consumer goes on reading what it was reading.
@Suite("Bad input: consumer")
struct BadInputConsumerTests {
    /// A topic with one partition holding `values`, and a consumer without a group assigned to it.
    private func setUp(_ prefix: String, _ values: [String]) async throws -> (EmbeddedKafkaCluster, String, KafkaConsumer) {
        let cluster = try EmbeddedKafkaCluster()
        let topic = Unique.name(prefix)
        try cluster.createTopic(topic, partitions: 1)
        _ = try await cluster.produce(values, to: topic)
        let consumer = try await KafkaConsumer.assigned(
            to: [KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)],
            configuration: cluster.consumerConfiguration(group: nil))
        return (cluster, topic, consumer)
    }

    @Test("a closed consumer refuses every call with clientClosed and its stream ends")
    func closedConsumer() async throws {
        let (cluster, topic, consumer) = try await self.setUp("closed", ["a"])
        await consumer.close()
        let partition = KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)
        var codes: [KafkaError.Code?] = []
        codes.append(await #expect(throws: KafkaError.self) { try await consumer.assign([partition]) }?.code)
        codes.append(await #expect(throws: KafkaError.self) { try await consumer.seek([partition]) }?.code)
        codes.append(await #expect(throws: KafkaError.self) { try await consumer.pause([partition]) }?.code)
        codes.append(await #expect(throws: KafkaError.self) { try await consumer.assignment() }?.code)
        codes.append(await #expect(throws: KafkaError.self) { try await consumer.watermarks(topic: topic, partition: 0) }?.code)
        codes.append(await #expect(throws: KafkaError.self) { try await consumer.lag() }?.code)
        #expect(codes.count == 6)
        #expect(codes.allSatisfy { $0 == .clientClosed }, "\(codes)")
        var count = 0
        for try await _ in consumer.messages { count += 1 }
        #expect(count == 0)
        withExtendedLifetime(cluster) {}
        ReliabilityRecord.badInput(
            "Using a closed consumer",
            figures: ["error": ".clientClosed", "calls": "\(codes.count)"],
            asserted: "assign, seek, pause, assignment, watermarks, lag refused; stream ends"
        )
    }

    @Test("subscribing twice replaces the subscription, as in Kafka's other clients")
    func subscribeTwice() async throws {
        let (cluster, first) = try await EmbeddedKafkaCluster.withTopic("first", values: ["from-first"])
        let second = try await cluster.makeTopic("second", values: ["from-second"])
        var configuration = cluster.consumerConfiguration()
        // A subscription change during the first join makes the mock re-form the group, which
        // waits for the members' timeouts (45 s session, 300 s poll interval by default): keep them
        // short (the session timeout is consumerConfiguration's 6 s).
        configuration.properties["max.poll.interval.ms"] = "6000"
        let consumer = try KafkaConsumer(configuration: configuration)
        try await consumer.subscribe(to: [first])
        try await consumer.subscribe(to: [second])
        let messages = try await collect(1, from: consumer)
        #expect(messages.map(\.topic) == [second])
        #expect(messages.map(\.valueString) == ["from-second"])
        await consumer.close()
        ReliabilityRecord.badInput(
            "Subscribing twice",
            figures: ["error": "none (replaces)", "read": "\(messages.count)"],
            asserted: "second subscribe replaces the first; only its topic is read"
        )
    }

    @Test("iterating messages twice throws alreadyIterating; the first iterator keeps reading")
    func iterateTwice() async throws {
        let (cluster, _, consumer) = try await self.setUp("twice", ["a", "b"])
        var first = consumer.messages.makeAsyncIterator()
        #expect(try await first.next()?.valueString == "a")
        var second = consumer.messages.makeAsyncIterator()
        await expectKafkaError(.alreadyIterating) { _ = try await second.next() }
        var batches = consumer.batches().makeAsyncIterator()
        await expectKafkaError(.alreadyIterating) { _ = try await batches.next() }
        #expect(try await first.next()?.valueString == "b")
        await consumer.close()
        withExtendedLifetime(cluster) {}
        ReliabilityRecord.badInput(
            "Iterating messages twice (or messages and batches)",
            figures: ["error": ".alreadyIterating", "lost": "0"],
            asserted: "second iterator throws; the first one still reads the next message"
        )
    }

    @Test("commit and store without a group name group.id; the consumer keeps reading")
    func commitWithoutGroup() async throws {
        let (cluster, _, consumer) = try await self.setUp("nogroup", ["a", "b"])
        var iterator = consumer.messages.makeAsyncIterator()
        let a = try #require(try await iterator.next())
        let commit = await expectKafkaError(.invalidConfiguration) { try await consumer.commit() }
        #expect(commit?.configurationKey == "group.id")
        let commitMessage = await #expect(throws: KafkaError.self) { try await consumer.commit(a) }
        #expect(commitMessage?.configurationKey == "group.id")
        #expect(try await iterator.next()?.valueString == "b")
        await consumer.close()
        withExtendedLifetime(cluster) {}
        ReliabilityRecord.badInput(
            "Commit without a consumer group",
            figures: ["error": ".invalidConfiguration", "key": "group.id"],
            asserted: "commit() and commit(message) refused; next message still read"
        )
    }

    @Test("seek on an unassigned partition gives partitionNotAssigned; the assigned one keeps reading")
    func seekUnassigned() async throws {
        let (cluster, topic, consumer) = try await self.setUp("seek", ["a", "b"])
        var iterator = consumer.messages.makeAsyncIterator()
        #expect(try await iterator.next()?.valueString == "a")
        await expectKafkaError(.partitionNotAssigned) {
            try await consumer.seek([KafkaTopicPartition(topic: topic, partition: 3, offset: .beginning)], timeout: .seconds(2))
        }
        await expectKafkaError(.invalidArgument) {
            try await consumer.seek([KafkaTopicPartition(topic: topic, partition: 0, offset: .stored)])
        }
        #expect(try await iterator.next()?.valueString == "b")
        await consumer.close()
        withExtendedLifetime(cluster) {}
        ReliabilityRecord.badInput(
            "Seek on an unassigned partition",
            figures: ["error": ".partitionNotAssigned (.invalidArgument for .stored)"],
            asserted: "seek refused; assigned partition goes on at the next message"
        )
    }

    @Test("bad partitions and topic names in assign and subscribe are invalidArgument; the old assignment stays")
    func badAssignment() async throws {
        let (cluster, topic, consumer) = try await self.setUp("assign", ["a"])
        let bad: [KafkaTopicPartition] = [
            KafkaTopicPartition(topic: topic, partition: -1),
            KafkaTopicPartition(topic: "", partition: 0),
            KafkaTopicPartition(topic: "has space", partition: 0),
            KafkaTopicPartition(topic: topic, partition: 0, offset: .unset),
        ]
        for partition in bad {
            await expectKafkaError(.invalidArgument, "\(partition)") { try await consumer.assign([partition]) }
        }
        let groupConsumer = try KafkaConsumer(configuration: cluster.consumerConfiguration())
        for topics in [[], [""], ["bad/name"]] {
            await expectKafkaError(.invalidArgument, "\(topics)") { try await groupConsumer.subscribe(to: topics) }
        }
        await groupConsumer.close()
        let assignment = try await consumer.assignment()
        #expect(assignment.map(\.topic) == [topic])
        #expect(assignment.map(\.partition) == [0])
        let messages = try await collect(1, from: consumer)
        #expect(messages.map(\.valueString) == ["a"])
        await consumer.close()
        ReliabilityRecord.badInput(
            "Negative partition, empty or illegal topic in assign/subscribe",
            figures: ["error": ".invalidArgument", "inputs": "\(bad.count + 3)"],
            asserted: "refused before librdkafka; the earlier assignment still delivers"
        )
    }

    @Test("storing an offset of a partition not assigned gives partitionNotAssigned; after close, clientClosed")
    func storeUnassigned() async throws {
        let (cluster, _, consumer) = try await self.setUp("store", ["a", "b"])
        var configuration = cluster.consumerConfiguration()
        configuration.enableAutoOffsetStore = false
        let grouped = try KafkaConsumer(configuration: configuration)
        // The message comes from another consumer: `grouped` has nothing assigned.
        let message = try #require(try await collect(1, from: consumer).first)
        let error = #expect(throws: KafkaError.self) { try grouped.store(message) }
        #expect(error?.code == .partitionNotAssigned)
        await grouped.close()
        // store runs on the caller's thread, not as a job of the consumer's thread: it must
        // still refuse a closed consumer.
        let closed = #expect(throws: KafkaError.self) { try grouped.store(message) }
        #expect(closed?.code == .clientClosed)
        await consumer.close()
        withExtendedLifetime(cluster) {}
        ReliabilityRecord.badInput(
            "Store offset of an unassigned partition",
            figures: ["error": ".partitionNotAssigned (.clientClosed after close)"],
            asserted: "typed error from store"
        )
    }

    @Test("an unknown topic or partition in a query is a typed error, not a hang")
    func unknownTopicQuery() async throws {
        let (cluster, topic, consumer) = try await self.setUp("query", ["a"])
        await expectKafkaError(.unknownTopicOrPartition) {
            try await consumer.watermarks(topic: topic, partition: 42, timeout: .seconds(3))
        }
        let messages = try await collect(1, from: consumer)
        #expect(messages.map(\.valueString) == ["a"])
        await consumer.close()
        withExtendedLifetime(cluster) {}
        ReliabilityRecord.badInput(
            "Unknown partition (consumer query)",
            figures: ["error": ".unknownTopicOrPartition", "call": "watermarks"],
            asserted: "typed error within the timeout; consumption unaffected"
        )
    }
}
