import AsyncKafka
import Testing

/// Transactions and the admin client against a real broker.
@Suite(.enabled(if: Integration.enabled, "ASYNCKAFKA_TEST_BROKERS is not set"))
struct TransactionAdminTests {
    private func transactionalProducer() async throws -> KafkaProducer {
        var configuration = Clients.producer()
        configuration.transactionalID = Unique.name("txn")
        let producer = try KafkaProducer(configuration: configuration)
        try await producer.initTransactions(timeout: .seconds(30))
        return producer
    }

    private func readCommitted(_ topic: String, until last: String) async throws -> [String] {
        var configuration = Clients.consumer(group: nil)
        configuration.properties["isolation.level"] = "read_committed"
        let consumer = try KafkaConsumer(configuration: configuration)
        try await consumer.assign([KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)])
        let messages = try await consume(consumer, within: .seconds(30)) { $0.last?.valueString == last }
        await consumer.close()
        return messages.compactMap(\.valueString)
    }

    /// A committed transaction's messages reach a `read_committed` consumer.
    @Test func committedTransactionIsVisible() async throws {
        let topic = Unique.name("txn-commit")
        try await createTopic(topic, partitions: 1)
        let producer = try await self.transactionalProducer()
        try await producer.beginTransaction()
        for n in 0..<3 { _ = try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "committed \(n)")) }
        try await producer.commitTransaction(timeout: .seconds(30))
        await producer.close()

        let values = try await self.readCommitted(topic, until: "committed 2")
        #expect(values == ["committed 0", "committed 1", "committed 2"])
    }

    /// An aborted transaction's messages must not reach a `read_committed` consumer. Tansu 0.6.0
    /// writes the abort marker but its Fetch responses carry no AbortedTransactions list, so every
    /// client (librdkafka logs "received abort txn ctrl msg … no known aborted transactions")
    /// hands the aborted records out: a broker defect, recorded here as a known issue.
    @Test func abortedTransactionIsInvisible() async throws {
        let topic = Unique.name("txn-abort")
        try await createTopic(topic, partitions: 1)
        let producer = try await self.transactionalProducer()
        try await producer.beginTransaction()
        for n in 0..<3 { _ = try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "aborted \(n)")) }
        try await producer.abortTransaction(timeout: .seconds(30))
        try await producer.beginTransaction()
        _ = try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "after"))
        try await producer.commitTransaction(timeout: .seconds(30))
        await producer.close()

        let values = try await self.readCommitted(topic, until: "after")
        #expect(values.last == "after")
        withKnownIssue("Tansu 0.6.0 sends no AbortedTransactions in Fetch: read_committed consumers see aborted records") {
            #expect(values == ["after"])
        }
    }

    /// Create a topic, see it in the metadata with its partitions, delete it, see it gone.
    @Test func adminCreatesListsAndDeletesTopics() async throws {
        let topic = Unique.name("admin")
        let admin = try KafkaAdminClient(configuration: Clients.admin())
        let created = try await admin.createTopics([KafkaNewTopic(name: topic, partitions: 3)], timeout: .seconds(20))
        #expect(created.map(\.name) == [topic])
        #expect(created.allSatisfy { $0.error == nil }, "\(created)")

        let metadata = try await admin.metadata(timeout: .seconds(20))
        #expect(metadata.brokers.count == 1)
        #expect(metadata.brokers.first.map { "\($0.host):\($0.port)" } == Integration.bootstrapServers)
        // -1: answered over the bootstrap connection (librdkafka 2.16), see originatingBrokerID.
        #expect(metadata.originatingBrokerID == -1 || metadata.originatingBrokerID == metadata.brokers.first?.id)
        let described = try #require(metadata.topic(topic))
        #expect(described.partitions.map(\.id).sorted() == [0, 1, 2])
        #expect(described.partitions.allSatisfy { $0.leader == metadata.brokers.first?.id })

        let duplicate = try await admin.createTopics([KafkaNewTopic(name: topic, partitions: 3)], timeout: .seconds(20))
        #expect(duplicate.first?.error != nil, "creating an existing topic again must fail: \(duplicate)")

        let deleted = try await admin.deleteTopics([topic], timeout: .seconds(20))
        #expect(deleted.allSatisfy { $0.error == nil }, "\(deleted)")
        let after = try await admin.metadata(timeout: .seconds(20))
        #expect(after.topic(topic) == nil)
        await admin.close()
    }
}
