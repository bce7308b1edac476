import AsyncKafka
import AsyncKafkaTesting
import Testing

/// Calls that wait for a broker's answer (`committed`, `watermarks`, `offsets(for:in:)`, `lag`)
/// must not hold up the delivery of messages meanwhile.
@Suite("Broker queries")
struct BrokerQueryTests {
    @Test(
        "a query waiting for a slow broker does not stall delivery",
        arguments: ["committed", "watermarks"]
    )
    func queryDoesNotStallDelivery(query: String) async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 2)
        let topic = Unique.name("query")
        try cluster.createTopic(topic, partitions: 2)
        // Partition 0 is read from broker 1; the query goes to broker 2 (the group
        // coordinator, or partition 1's leader), which answers slowly.
        try cluster.setPartitionLeader(topic: topic, partition: 0, broker: 1)
        try cluster.setPartitionLeader(topic: topic, partition: 1, broker: 2)
        let group = Unique.name("group")
        try cluster.setCoordinator(.group, key: group, broker: 2)
        _ = try await cluster.produce((0..<10).map { "m\($0)" }, to: topic, partition: 0)

        var configuration = cluster.consumerConfiguration(group: group)
        // One message per hand-off, one hand-off buffered: every message needs the client
        // thread to serve again.
        configuration.maxMessagesPerBatch = 1
        configuration.maxBufferedBatches = 1
        let consumer = try await KafkaConsumer.assigned(
            to: [KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)], configuration: configuration)
        var iterator = consumer.messages.makeAsyncIterator()
        #expect(try await iterator.next()?.valueString == "m0")

        try cluster.setBrokerRoundTripTime(2, .seconds(3))
        let started = ContinuousClock.now
        let waiting = Task {
            switch query {
            case "committed": _ = try await consumer.committed([KafkaTopicPartition(topic: topic, partition: 1)], timeout: .seconds(5))
            default: _ = try await consumer.watermarks(topic: topic, partition: 1, timeout: .seconds(5))
            }
        }
        var values: [String] = []
        for _ in 1..<10 { values.append(try #require(try await iterator.next()).valueString ?? "") }
        let delivered = ContinuousClock.now - started
        _ = await waiting.result  // answered or timed out: either way after the slow broker
        let answered = ContinuousClock.now - started
        await consumer.close()

        #expect(values == (1..<10).map { "m\($0)" })
        #expect(answered >= .seconds(2), "the \(query) query did not wait for the slow broker (\(answered))")
        #expect(delivered < .seconds(2), "9 messages took \(delivered) while \(query) waited")
    }
}
