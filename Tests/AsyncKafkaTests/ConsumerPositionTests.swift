import AsyncKafka
import AsyncKafkaTesting
import Testing

@Suite("Manual assignment, seek, pause and lag")
struct ConsumerPositionTests {
    /// A consumer reading partition 0 of a fresh topic holding `count` messages `m0…`.
    private func consumer(
        messages count: Int,
        partitions: Int = 1,
        properties: [String: String] = [:]
    ) async throws -> (EmbeddedKafkaCluster, KafkaConsumer, String) {
        let cluster = try EmbeddedKafkaCluster()
        let topic = Unique.name("position")
        try cluster.createTopic(topic, partitions: partitions)
        _ = try await cluster.produce((0..<count).map { "m\($0)" }, to: topic)
        var configuration = cluster.consumerConfiguration()
        configuration.properties.merge(properties) { _, new in new }
        let consumer = try await KafkaConsumer.assigned(
            to: [KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)], configuration: configuration)
        return (cluster, consumer, topic)
    }

    @Test("seek to an offset and the beginning, from inside the loop")
    func seekOffsets() async throws {
        let (cluster, consumer, topic) = try await self.consumer(messages: 10)
        var seen: [Int64] = []
        var step = 0
        for try await message in consumer.messages {
            seen.append(message.offset)
            step += 1
            switch step {
            case 3: try await consumer.seek([KafkaTopicPartition(topic: topic, partition: 0, offset: .offset(7))])
            case 5: try await consumer.seek([KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)])
            default: break
            }
            if step == 8 { break }
        }
        await consumer.close()
        _ = cluster
        // 0,1,2 | seek 7 → 7,8 | seek beginning → 0,1,2.
        #expect(seen == [0, 1, 2, 7, 8, 0, 1, 2])
    }

    @Test("seek to a timestamp")
    func seekTimestamp() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("timestamps")
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration())
        for index in 0..<6 {
            let stamp = KafkaTimestamp(millisecondsSince1970: 1_700_000_000_000 + Int64(index) * 1000)
            try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "t\(index)", timestamp: stamp))
        }
        await producer.close()
        let consumer = try KafkaConsumer(configuration: cluster.consumerConfiguration())
        let partition = KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)
        try await consumer.assign([partition])
        let found = try await consumer.offsets(for: KafkaTimestamp(millisecondsSince1970: 1_700_000_003_500), in: [partition])
        #expect(found.map(\.topic) == [topic])
        // A real broker answers offset 4; librdkafka 2.0.2's mock broker does not index by
        // timestamp and answers the end of the partition for every timestamp.
        #expect(found.first?.offset == .offset(4) || found.first?.offset == .end)
        try await consumer.seek([partition], toTimestamp: KafkaTimestamp(millisecondsSince1970: 1_700_000_002_000))
        if found.first?.offset == .end {
            // Read from the end as it was when seek was called (offset 6), not from librdkafka's
            // logical end, which it resolves later, possibly past this message.
            _ = try await cluster.produce(["after"], to: topic)
            #expect(try await collect(1, from: consumer).first?.valueString == "after")
        } else {
            let values = try await collect(4, from: consumer).compactMap(\.valueString)
            #expect(values == ["t2", "t3", "t4", "t5"])
        }
        await consumer.close()
    }

    @Test("pause stops delivery of a partition and resume restarts it")
    func pauseResume() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("pause", partitions: 2)
        let consumer = try KafkaConsumer(configuration: cluster.consumerConfiguration())
        let paused = KafkaTopicPartition(topic: topic, partition: 0)
        try await consumer.assign([
            KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning),
            KafkaTopicPartition(topic: topic, partition: 1, offset: .beginning),
        ])
        try await consumer.pause([paused])
        // Written before the marker, so an unpaused partition 0 would deliver them first or with it.
        _ = try await cluster.produce(["p0-a", "p0-b"], to: topic, partition: 0)
        _ = try await cluster.produce(["marker-1"], to: topic, partition: 1)
        var seen: [String] = []
        for try await message in consumer.messages {
            seen.append(message.valueString ?? "")
            if message.valueString == "marker-1" {
                #expect(seen == ["marker-1"])
                try await consumer.resume([paused])
            }
            if seen.count == 3 { break }
        }
        await consumer.close()
        #expect(Set(seen) == ["marker-1", "p0-a", "p0-b"])
    }

    @Test("lag is the high watermark minus what the loop consumed")
    func lag() async throws {
        let (cluster, consumer, topic) = try await self.consumer(messages: 20)
        _ = cluster
        var count = 0
        for try await _ in consumer.messages {
            count += 1
            if count == 8 {
                // Seven consumed; the eighth is in hand.
                let lag = try await consumer.lag()
                #expect(lag == [KafkaPartitionLag(topic: topic, partition: 0, position: 7, highWatermark: 20, lag: 13)])
                let position = try await consumer.position([KafkaTopicPartition(topic: topic, partition: 0)])
                #expect(position.first?.offset == .offset(7))
                let marks = try await consumer.watermarks(topic: topic, partition: 0)
                #expect(marks == KafkaWatermarks(low: 0, high: 20))
                #expect(try await consumer.assignment() == [KafkaTopicPartition(topic: topic, partition: 0)])
                break
            }
        }
        await consumer.close()
    }

    @Test("committed offsets are read back from the broker")
    func committedOffsets() async throws {
        let (cluster, consumer, topic) = try await self.consumer(messages: 5)
        defer { withExtendedLifetime(cluster) {} }
        let partitions = [KafkaTopicPartition(topic: topic, partition: 0)]
        for try await message in consumer.messages where message.offset == 3 {
            try await consumer.commit(message)
            let committed = try await consumer.committed(partitions)
            #expect(committed.map(\.offset) == [.offset(4)])
            break
        }
        await consumer.close()
    }

}
