import AsyncKafka
import AsyncKafkaTesting
import Testing

/// Transactions against the embedded broker.
///
/// What librdkafka 2.0.2's mock models: the protocol (InitProducerId, AddPartitionsToTxn,
/// AddOffsetsToTxn, TxnOffsetCommit, EndTxn) with its coordinator, and request errors injected
/// into it. What it does not: it writes no commit or abort markers, so consumers see the
/// messages of aborted transactions too (`read_committed` cannot be tested here), and
/// TxnOffsetCommit stores nothing, so offsets sent in a transaction never show up as committed.
/// The tests therefore check the client's side: the calls succeed or fail with the right
/// classification, messages are delivered or purged, and the producer recovers.
@Suite("Transactions")
struct TransactionTests {
    private func transactionalProducer(_ cluster: EmbeddedKafkaCluster, id: String = Unique.name("txn")) throws -> KafkaProducer {
        var configuration = cluster.producerConfiguration()
        configuration.transactionalID = id
        configuration.transactionTimeout = .seconds(10)
        return try KafkaProducer(configuration: configuration)
    }

    /// A ``transactionalProducer(_:id:)`` whose transactions are initialised.
    private func initializedProducer(_ cluster: EmbeddedKafkaCluster) async throws -> KafkaProducer {
        let producer = try self.transactionalProducer(cluster)
        try await producer.initTransactions()
        return producer
    }

    @Test("init, begin, send, commit; then a second transaction")
    func commitFlow() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("txn-commit", partitions: 2)
        let producer = try await self.initializedProducer(cluster)
        for round in 0..<2 {
            try await producer.beginTransaction()
            let results = await producer.send(
                contentsOf: (0..<50).map {
                    KafkaProducerMessage(topic: topic, partition: $0 % 2, value: "r\(round)-\($0)")
                })
            try await producer.commitTransaction()
            #expect(results.allSatisfy { (try? $0.get()) != nil })
        }
        await producer.close()

        let consumer = try await KafkaConsumer.assigned(
            to: [KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)], configuration: cluster.consumerConfiguration())
        let received = try await collect(50, from: consumer)
        let expected = ["r0-", "r1-"].flatMap { prefix in stride(from: 0, to: 50, by: 2).map { "\(prefix)\($0)" } }
        #expect(received.map(\.valueString) == expected)
    }

    @Test("abort purges what was not sent yet; the next transaction commits")
    func abortFlow() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("txn-abort")
        let producer = try await self.initializedProducer(cluster)
        try await producer.beginTransaction()
        // Nothing can leave while the partition has no leader: the messages wait in librdkafka's queue.
        try cluster.setPartitionLeader(topic: topic, partition: 0, broker: nil)
        let sends = Task {
            await producer.send(contentsOf: (0..<5).map { KafkaProducerMessage(topic: topic, partition: 0, value: "a\($0)") })
        }
        try #require(await eventually { producer.queuedMessageCount >= 5 }, "the messages never reached librdkafka's queue")
        try await producer.abortTransaction()
        let results = await sends.value
        #expect(results.map(\.errorCode) == Array(repeating: .purged, count: 5))

        try cluster.setPartitionLeader(topic: topic, partition: 0, broker: 1)
        try await producer.beginTransaction()
        let report = try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "after abort"))
        try await producer.commitTransaction()
        #expect(report.partition == 0)
        await producer.close()
    }

    @Test("withTransaction commits on success and aborts on a thrown error")
    func withTransaction() async throws {
        struct Rejected: Error {}
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("txn-with")
        let producer = try await self.initializedProducer(cluster)

        let offset = try await producer.withTransaction {
            try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "kept")).offset
        }
        #expect(offset == 0)
        await #expect(throws: Rejected.self) {
            try await producer.withTransaction {
                try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "dropped"))
                throw Rejected()
            }
        }
        // The abort left the producer ready: no transaction is open, a new one works.
        await expectKafkaError(.invalidState) { try await producer.commitTransaction() }
        try await producer.withTransaction {
            try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "again"))
        }
        await producer.close()
    }

    @Test("misuse gives typed errors: no transactional id, no open transaction, producing outside one")
    func misuse() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("txn-misuse")
        let plain = try KafkaProducer(configuration: cluster.producerConfiguration())
        let notConfigured = await expectKafkaError(.invalidConfiguration) { try await plain.beginTransaction() }
        #expect(notConfigured?.configurationKey == "transactional.id")
        await plain.close()

        let producer = try await self.initializedProducer(cluster)
        let noTransaction = await expectKafkaError(.invalidState) { try await producer.commitTransaction() }
        #expect(noTransaction?.requiresAbort == false)
        await expectKafkaError(.invalidState) {
            try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "v"))
        }
        await expectKafkaError(.invalidArgument) {
            let metadata = try await KafkaConsumer(configuration: cluster.consumerConfiguration()).groupMetadata()
            try await producer.sendOffsetsToTransaction(
                [KafkaTopicPartition(topic: topic, partition: 0, offset: .end)], groupMetadata: metadata)
        }
        await producer.close()
        await expectKafkaError(.clientClosed) { try await producer.beginTransaction() }
    }

    @Test("initTransactions times out retriably while the cluster is down, and resumes once it is up")
    func initRetriable() async throws {
        let cluster = try EmbeddedKafkaCluster()
        try cluster.setAllBrokersDown()
        let producer = try self.transactionalProducer(cluster)
        let timedOut = await #expect(throws: KafkaError.self) { try await producer.initTransactions(timeout: .milliseconds(300)) }
        #expect(timedOut?.isRetriable == true)
        #expect(timedOut?.isFatal == false)
        #expect(timedOut?.requiresAbort == false)
        try cluster.setAllBrokersUp()
        try await producer.initTransactions()
        try await producer.beginTransaction()
        try await producer.abortTransaction()
        await producer.close()
    }

    @Test("a partition the coordinator refuses makes the transaction abortable; abort recovers")
    func abortableError() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("txn-abortable")
        let producer = try await self.initializedProducer(cluster)
        try await producer.beginTransaction()
        try cluster.pushRequestErrors(.addPartitionsToTxn, [.topicAuthorizationFailed])
        let sent = await producer.send(contentsOf: [KafkaProducerMessage(topic: topic, partition: 0, value: "refused")])
        #expect(sent[0].errorCode != nil)
        let commitError = await #expect(throws: KafkaError.self) { try await producer.commitTransaction() }
        #expect(commitError?.requiresAbort == true)
        #expect(commitError?.isFatal == false)
        try await producer.abortTransaction()

        try await producer.beginTransaction()
        try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "fine"))
        try await producer.commitTransaction()
        await producer.close()
    }

    @Test("a fenced producer gets a fatal error from EndTxn")
    func fencedIsFatal() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("txn-fenced")
        let producer = try await self.initializedProducer(cluster)
        try await producer.beginTransaction()
        try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "v"))
        try cluster.pushRequestErrors(.endTxn, [.invalidProducerEpoch])
        let fenced = await #expect(throws: KafkaError.self) { try await producer.commitTransaction() }
        #expect(fenced?.isFatal == true)
        #expect(fenced?.code == .fatal)
        let after = await #expect(throws: KafkaError.self) { try await producer.beginTransaction() }
        #expect(after?.isFatal == true)
        await producer.close()
    }

    @Test("consume, transform, produce, sendOffsetsToTransaction with a consumer in a group, commit")
    func consumeTransformProduce() async throws {
        let (cluster, input) = try await EmbeddedKafkaCluster.withTopic("txn-in", values: ["a", "b", "c"])
        let output = try await cluster.makeTopic("txn-out")

        var consumerConfiguration = cluster.consumerConfiguration()
        consumerConfiguration.enableAutoCommit = false
        let consumer = try KafkaConsumer(configuration: consumerConfiguration)
        try await consumer.subscribe(to: [input])
        // Iterate by hand: leaving a `for try await` loop would close the consumer (and its group membership).
        var iterator = consumer.messages.makeAsyncIterator()
        var consumed: [KafkaMessage] = []
        while consumed.count < 3, let message = try await iterator.next() { consumed.append(message) }
        #expect(consumed.map(\.valueString) == ["a", "b", "c"])

        let producer = try await self.initializedProducer(cluster)
        let metadata = try await consumer.groupMetadata()
        try await producer.withTransaction {
            let results = await producer.send(
                contentsOf: consumed.map {
                    KafkaProducerMessage(topic: output, partition: 0, value: $0.valueString?.uppercased())
                })
            for result in results { _ = try result.get() }
            let next = KafkaTopicPartition(topic: input, partition: 0, offset: .offset((consumed.last?.offset ?? 0) + 1))
            try await producer.sendOffsetsToTransaction([next], groupMetadata: metadata)
        }
        // (The 2.0.2 mock's TxnOffsetCommit stores nothing, so the group's committed offset is not checked.)
        await producer.close()
        await consumer.close()

        let reader = try await KafkaConsumer.assigned(
            to: [KafkaTopicPartition(topic: output, partition: 0, offset: .beginning)], configuration: cluster.consumerConfiguration())
        #expect(try await collect(3, from: reader).map(\.valueString) == ["A", "B", "C"])
    }
}
