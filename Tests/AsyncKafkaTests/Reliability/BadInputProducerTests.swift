import AsyncKafka
import AsyncKafkaTesting
import Testing

/// Bad producer input: each refused message is a typed error, and the messages around it are delivered.
@Suite("Bad input: producer")
struct BadInputProducerTests {
    /// A one-partition topic, a producer, and a message already delivered before the bad input.
    private func setUp(_ prefix: String) async throws -> (EmbeddedKafkaCluster, String, KafkaProducer) {
        let cluster = try EmbeddedKafkaCluster()
        let topic = Unique.name(prefix)
        try cluster.createTopic(topic, partitions: 1)
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration())
        let before = try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "before"))
        #expect(before.offset == 0)
        return (cluster, topic, producer)
    }

    /// Reads the whole partition 0 of `topic` (`count` messages).
    private func readBack(_ count: Int, _ topic: String, _ cluster: EmbeddedKafkaCluster) async throws -> [KafkaMessage] {
        let consumer = try await KafkaConsumer.assigned(
            to: [KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)],
            configuration: cluster.consumerConfiguration(group: nil))
        let messages = try await collect(count, from: consumer)
        await consumer.close()
        return messages
    }

    @Test("an unknown topic fails the send with unknownTopicOrPartition; other topics are unaffected")
    func unknownTopic() async throws {
        let (cluster, topic, _) = try await self.setUp("known")
        let missing = Unique.name("missing")
        try cluster.setTopicError(missing, .unknownTopicOrPartition)
        var configuration = cluster.producerConfiguration()
        configuration.properties["topic.metadata.propagation.max.ms"] = "200"
        let producer = try KafkaProducer(configuration: configuration)
        await expectKafkaError(.unknownTopicOrPartition) {
            try await producer.send(KafkaProducerMessage(topic: missing, value: "lost?"))
        }
        let after = try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "after"))
        #expect(after.offset == 1)
        await producer.close()
        ReliabilityRecord.badInput(
            "Unknown topic (producer)",
            figures: ["error": ".unknownTopicOrPartition", "surfaces": "send"],
            asserted: "typed error from send; the next send to a good topic is delivered"
        )
    }

    @Test("an invalid topic name is refused before it reaches librdkafka")
    func invalidTopicName() async throws {
        let (cluster, topic, producer) = try await self.setUp("names")
        let names = ["", "has space", "semi;colon", "slash/name", ".", "..", String(repeating: "a", count: 250), "ünïcode"]
        for name in names {
            await expectKafkaError(.invalidArgument, "\(name)") {
                try await producer.send(KafkaProducerMessage(topic: name, value: "v"))
            }
        }
        let results = await producer.send(contentsOf: [
            KafkaProducerMessage(topic: topic, partition: 0, value: "a"),
            KafkaProducerMessage(topic: "bad name", value: "b"),
            KafkaProducerMessage(topic: topic, partition: 0, value: "c"),
        ])
        #expect(try results[0].get().offset == 1)
        #expect((try? results[1].get()) == nil)
        #expect(try results[2].get().offset == 2)
        await producer.close()
        withExtendedLifetime(cluster) {}
        ReliabilityRecord.badInput(
            "Invalid topic name",
            figures: ["error": ".invalidArgument", "names": "\(names.count)"],
            asserted: "refused at send (legal: [a-zA-Z0-9._-], 1...249, not . or ..); batch neighbours delivered"
        )
    }

    @Test("an oversize message fails its own send only")
    func oversizeMessage() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("big")
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration(messageMaxBytes: 2_000))
        let big = [UInt8](repeating: 7, count: 5_000)
        await expectKafkaError(.messageTooLarge) {
            try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: big))
        }
        await expectKafkaError(.messageTooLarge) {
            try await producer.send(
                KafkaProducerMessage(topic: topic, partition: 0, value: "v", headers: [KafkaHeader(name: "h", value: big)]))
        }
        let results = await producer.send(contentsOf: [
            KafkaProducerMessage(topic: topic, partition: 0, value: "a"),
            KafkaProducerMessage(topic: topic, partition: 0, value: big),
            KafkaProducerMessage(topic: topic, partition: 0, value: "c"),
        ])
        #expect(try results[0].get().offset == 0)
        #expect(results[1].error?.code == .messageTooLarge)
        #expect(try results[2].get().offset == 1)
        await producer.close()
        let messages = try await self.readBack(2, topic, cluster)
        #expect(messages.map(\.valueString) == ["a", "c"])
        ReliabilityRecord.badInput(
            "Oversize message (value or header)",
            figures: ["error": ".messageTooLarge", "message.max.bytes": "2000", "size": "5000", "lost": "0"],
            asserted: "send and batch slot fail; neighbours delivered and read back"
        )
    }

    @Test("null and empty keys and values round-trip as sent; tombstones are not errors")
    func nullAndEmpty() async throws {
        let (cluster, topic, producer) = try await self.setUp("tombstone")
        let sent: [KafkaProducerMessage] = [
            KafkaProducerMessage(topic: topic, partition: 0, key: Array("k".utf8), value: nil as [UInt8]?),
            KafkaProducerMessage(topic: topic, partition: 0, key: nil as [UInt8]?, value: nil as [UInt8]?),
            KafkaProducerMessage(topic: topic, partition: 0, key: [], value: []),
            KafkaProducerMessage(topic: topic, partition: 0, key: nil as [UInt8]?, value: []),
        ]
        for message in sent { try await producer.send(message) }
        await producer.close()
        let messages = Array(try await self.readBack(5, topic, cluster).dropFirst())
        #expect(messages.map(\.isTombstone) == [true, true, false, false])
        #expect(messages.map { $0.key.map { Array($0) } } == [Array("k".utf8), nil, [], nil])
        #expect(messages.map { $0.value.map { Array($0) } } == [nil, nil, [], []])
        #expect(try messages[0].decodeIfPresent(String.self) == nil)
        ReliabilityRecord.badInput(
            "Null and empty key and value",
            figures: ["messages": "4", "tombstones": "2", "empty": "2"],
            asserted: "sent without error; null stays null and empty stays empty on the way back"
        )
    }

    @Test("an invalid header name is refused; null-valued and empty headers round-trip")
    func invalidHeader() async throws {
        let (cluster, topic, producer) = try await self.setUp("headers")
        await expectKafkaError(.invalidArgument) {
            try await producer.send(
                KafkaProducerMessage(topic: topic, partition: 0, value: "v", headers: [KafkaHeader(name: "a\u{0}b", value: "x")]))
        }
        let headers = [
            KafkaHeader(name: "null", value: nil as [UInt8]?), KafkaHeader(name: "empty", value: []), KafkaHeader(name: "", value: "x"),
        ]
        try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "h", headers: headers))
        await producer.close()
        let messages = try await self.readBack(2, topic, cluster)
        #expect(messages.map(\.valueString) == ["before", "h"])
        #expect(messages[1].headers == headers)
        ReliabilityRecord.badInput(
            "Invalid header (NUL in name)",
            figures: ["error": ".invalidArgument", "round-tripped": "null, empty, empty-name"],
            asserted: "refused at send instead of silently truncated; other headers exact"
        )
    }

    @Test("a negative or unknown partition fails the send; the producer stays usable")
    func badPartition() async throws {
        let (cluster, topic, producer) = try await self.setUp("partition")
        await expectKafkaError(.invalidArgument) {
            try await producer.send(KafkaProducerMessage(topic: topic, partition: -3, value: "v"))
        }
        await expectKafkaError(.unknownTopicOrPartition) {
            try await producer.send(KafkaProducerMessage(topic: topic, partition: 99, value: "v"))
        }
        let after = try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "after"))
        #expect(after.offset == 1)
        await producer.close()
        withExtendedLifetime(cluster) {}
        ReliabilityRecord.badInput(
            "Negative or unknown partition (producer)",
            figures: ["error": ".invalidArgument / .unknownTopicOrPartition", "partitions": "-3, 99"],
            asserted: "typed error from send; next send delivered at the next offset"
        )
    }

    @Test("a closed producer refuses every call with clientClosed; what it delivered stays delivered")
    func closedProducer() async throws {
        let (cluster, topic, producer) = try await self.setUp("closed")
        await producer.close()
        var codes: [KafkaError.Code?] = []
        codes.append(
            await #expect(throws: KafkaError.self) { try await producer.send(KafkaProducerMessage(topic: topic, value: "v")) }?.code)
        codes.append(
            await #expect(throws: KafkaError.self) { try await producer.enqueue(KafkaProducerMessage(topic: topic, value: "v")) }?.code)
        codes.append(await producer.send(contentsOf: [KafkaProducerMessage(topic: topic, value: "v")]).first?.error?.code)
        codes.append(await #expect(throws: KafkaError.self) { try await producer.flush(timeout: .seconds(1)) }?.code)
        #expect(codes.allSatisfy { $0 == .clientClosed }, "\(codes)")
        #expect(producer.queuedMessageCount == 0)
        let messages = try await self.readBack(1, topic, cluster)
        #expect(messages.map(\.valueString) == ["before"])
        ReliabilityRecord.badInput(
            "Using a closed producer",
            figures: ["error": ".clientClosed", "calls": "\(codes.count)"],
            asserted: "send, enqueue, send(contentsOf:), flush refused; earlier message read back"
        )
    }
}

extension Result where Failure == KafkaError {
    /// The error of a failed result, `nil` for a success.
    var error: KafkaError? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
