@testable import AsyncKafka
import AsyncKafkaTesting
import Testing

@Suite("Consumer prefetch defaults")
struct ConsumerPrefetchDefaultsTests {
    @Test("an unset prefetch gets AsyncKafka's bounded defaults")
    func defaultsApply() {
        var properties: [String: String] = ["bootstrap.servers": "127.0.0.1:9"]
        ConsumerPrefetchDefaults.apply(to: &properties)
        #expect(properties["queued.min.messages"] == "50000")
        #expect(properties["fetch.max.bytes"] == "4194304")
    }

    @Test("properties the configuration sets win over the defaults")
    func explicitValuesWin() {
        var properties = ["queued.min.messages": "100000", "fetch.max.bytes": "52428800"]
        ConsumerPrefetchDefaults.apply(to: &properties)
        #expect(properties == ["queued.min.messages": "100000", "fetch.max.bytes": "52428800"])
    }

    @Test(
        "fetch.max.bytes is left to librdkafka when a property that sizes fetches is set",
        arguments: ["message.max.bytes", "queued.max.messages.kbytes", "fetch.message.max.bytes", "max.partition.fetch.bytes"]
    )
    func fetchSizeLeftToLibrdkafka(key: String) {
        var properties = [key: "10000000"]
        ConsumerPrefetchDefaults.apply(to: &properties)
        #expect(properties["fetch.max.bytes"] == nil)
        #expect(properties["queued.min.messages"] == "50000")
    }

    @Test("a consumer with message.max.bytes above the default fetch.max.bytes is still created")
    func largerMessageLimitStillCreates() async throws {
        // librdkafka refuses fetch.max.bytes below message.max.bytes: a default applied
        // regardless would make this fail.
        var configuration = KafkaConsumerConfiguration(bootstrapServers: "127.0.0.1:9")
        configuration.properties["message.max.bytes"] = "10000000"
        let consumer = try KafkaConsumer(configuration: configuration)
        await consumer.close()
    }

    @Test("a message larger than the default fetch.max.bytes is still consumed")
    func largeMessage() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("large")
        var producerConfiguration = cluster.producerConfiguration()
        producerConfiguration.properties["message.max.bytes"] = "6000000"
        let producer = try KafkaProducer(configuration: producerConfiguration)
        let value = [UInt8](repeating: 0x5A, count: ConsumerPrefetchDefaults.fetchMaxBytes + 300_000)
        _ = try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: value))
        await producer.close()

        // Kafka returns the first record batch of a fetch even when it exceeds fetch.max.bytes.
        let consumer = try await KafkaConsumer.assigned(
            to: [KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)],
            configuration: cluster.consumerConfiguration(group: nil))
        let received = try await collect(1, from: consumer)
        #expect(received.first?.value?.count == value.count)
        #expect(received.first?.value.map { $0.allSatisfy { $0 == 0x5A } } == true)
    }
}
