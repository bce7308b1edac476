import AsyncKafka
import Testing

/// Every field a producer can set comes back byte for byte through a real broker.
@Suite(.enabled(if: Integration.enabled, "ASYNCKAFKA_TEST_BROKERS is not set"))
struct RoundTripTests {
    @Test func everyFieldRoundTrips() async throws {
        let topic = Unique.name("roundtrip")
        try await createTopic(topic, partitions: 1)
        let allBytes = (0...255).map(UInt8.init)
        let created = KafkaTimestamp(millisecondsSince1970: 1_700_000_000_123)
        let sent: [KafkaProducerMessage] = [
            KafkaProducerMessage(topic: topic, partition: 0, key: Array(allBytes.reversed()), value: allBytes, timestamp: created),
            KafkaProducerMessage(topic: topic, partition: 0, key: Array("empty".utf8), value: []),
            KafkaProducerMessage(topic: topic, partition: 0, key: Array("tombstone".utf8), value: nil as [UInt8]?),
            KafkaProducerMessage(topic: topic, partition: 0, key: nil as String?, value: "no key"),
            KafkaProducerMessage(
                topic: topic,
                partition: 0,
                key: "headers",
                value: "h",
                headers: [
                    KafkaHeader(name: "repeated", value: "first"),
                    KafkaHeader(name: "repeated", value: "second"),
                    KafkaHeader(name: "empty", value: [UInt8]()),
                    KafkaHeader(name: "null", value: nil),
                    KafkaHeader(name: "binary", value: allBytes),
                ]
            ),
            // A value ending in 0x00 followed by headers, and one whose last byte is 0x00 with none:
            // the consumer's "no headers" shortcut reads the byte after the value.
            KafkaProducerMessage(
                topic: topic, partition: 0, value: [1, 0] as [UInt8], headers: [KafkaHeader(name: "after-zero", value: "x")]),
            KafkaProducerMessage(topic: topic, partition: 0, value: [1, 0] as [UInt8]),
        ]

        let producer = try KafkaProducer(configuration: Clients.producer())
        var reports: [KafkaDeliveryReport] = []
        for message in sent { reports.append(try await producer.send(message)) }
        await producer.close()
        #expect(reports.map(\.offset) == Array(0..<Int64(sent.count)))

        var configuration = Clients.consumer(group: nil)
        configuration.fetchWaitMax = .milliseconds(10)
        let consumer = try KafkaConsumer(configuration: configuration)
        try await consumer.assign([KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)])
        let received = try await consume(consumer, within: .seconds(30)) { $0.count == sent.count }
        await consumer.close()

        try #require(received.count == sent.count)
        for (message, original) in zip(received, sent) {
            #expect(message.key.map(Array.init) == original.key)
            #expect(message.value.map(Array.init) == original.value)
            #expect(message.headers == original.headers)
            #expect(message.topic == topic)
            #expect(message.partition == 0)
        }
        #expect(received[0].timestamp == created)
        #expect(received[2].isTombstone)
        #expect(received[1].value != nil && received[1].value!.isEmpty)
        // Without a timestamp the producer records its clock: "now", as the broker saw it stored.
        for (message, report) in zip(received, reports).dropFirst() {
            #expect(message.timestamp?.kind == .createTime)
            #expect(message.timestamp == report.timestamp || report.timestamp == nil)
        }
    }
}
