import AsyncKafka
import AsyncKafkaTesting
import Testing

@Suite("Produce and consume round trips")
struct RoundTripTests {
    @Test("keys, headers, tombstones and binary values survive the round trip")
    func roundTrip() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("roundtrip")
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration())
        let binary: [UInt8] = [0, 255, 1, 254, 0x80, 0]
        let sent = [
            KafkaProducerMessage(
                topic: topic, partition: 0, key: "k1", value: "hello",
                headers: [KafkaHeader(name: "h", value: "v"), KafkaHeader(name: "empty", value: nil)]),
            KafkaProducerMessage(topic: topic, partition: 0, key: "k2", value: nil as String?),
            KafkaProducerMessage(topic: topic, partition: 0, key: nil, value: binary),
            KafkaProducerMessage(topic: topic, partition: 0, key: [], value: []),
        ]
        for message in sent { try await producer.send(message) }
        await producer.close()

        let consumer = try await KafkaConsumer.assigned(
            to: [KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)], configuration: cluster.consumerConfiguration())
        let received = try await collect(sent.count, from: consumer)
        await consumer.close()

        #expect(received.map(\.offset) == [0, 1, 2, 3])
        #expect(received[0].keyString == "k1")
        #expect(received[0].valueString == "hello")
        #expect(received[0].headers == [KafkaHeader(name: "h", value: "v"), KafkaHeader(name: "empty", value: nil)])
        #expect(received[0].timestamp != nil)
        #expect(received[1].isTombstone)
        #expect(received[1].keyString == "k2")
        #expect(received[2].key == nil)
        #expect(received[2].value.map(Array.init) == binary)
        #expect(received[2].valueString == nil)
        #expect(received[3].key == [])
        #expect(received[3].value == [])
        #expect(received.allSatisfy { $0.topic == topic && $0.partition == 0 })
    }

    @Test("delivery report offsets are contiguous per partition")
    func contiguousOffsets() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("offsets", partitions: 3)
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration())
        let reports = try await withThrowingTaskGroup(of: KafkaDeliveryReport.self) { group in
            for index in 0..<300 {
                group.addTask {
                    try await producer.send(KafkaProducerMessage(topic: topic, partition: index % 3, value: "m\(index)"))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        await producer.close()
        for partition in 0..<3 {
            let offsets = reports.filter { $0.partition == partition }.map(\.offset).sorted()
            #expect(offsets == Array(0..<100))
        }
    }

    /// The consumer skips librdkafka's header parse when the byte after a record's value says
    /// "no headers" (RecordHeaders); records with headers must still get all of theirs, whatever
    /// their neighbours, value sizes (empty, 1 byte) or tombstones.
    @Test("headers are read exactly where records have them, in batches mixing both")
    func mixedHeaders() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("headers")
        let values: [[UInt8]?] = [[], [0], [1, 0], nil, Array("x".utf8), [0, 0, 0]]
        var sent: [KafkaProducerMessage] = []
        // Every value with and without headers, with and without a key, in three orders.
        for round in 0..<3 {
            for value in round == 1 ? values.reversed() : values {
                for withHeaders in round == 2 ? [false, true] : [true, false] {
                    for key: [UInt8]? in [nil, [0]] {
                        let headers =
                            withHeaders ? [KafkaHeader(name: "n", value: "\(sent.count)"), KafkaHeader(name: "z", value: [0])] : []
                        sent.append(KafkaProducerMessage(topic: topic, partition: 0, key: key, value: value, headers: headers))
                    }
                }
            }
        }
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration())
        for result in await producer.send(contentsOf: sent) { _ = try result.get() }
        await producer.close()

        let consumer = try await KafkaConsumer.assigned(
            to: [KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)], configuration: cluster.consumerConfiguration())
        let received = try await collect(sent.count, from: consumer)
        await consumer.close()

        #expect(received.map(\.headers) == sent.map(\.headers))
        #expect(received.map { $0.value.map(Array.init) } == sent.map(\.value))
    }
}
