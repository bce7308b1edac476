import AsyncKafka
import AsyncKafkaTesting
import Testing

/// Transactions misuse and undecodable payloads.
@Suite("Bad input: transactions and Codable")
struct BadInputTransactionTests {
    private func transactionalProducer(_ cluster: EmbeddedKafkaCluster) throws -> KafkaProducer {
        var configuration = cluster.producerConfiguration()
        configuration.transactionalID = Unique.name("txn")
        return try KafkaProducer(configuration: configuration)
    }

    @Test("transactional calls on a non-transactional producer name transactional.id; it still sends")
    func notTransactional() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("plain")
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration())
        var errors: [KafkaError?] = []
        errors.append(await #expect(throws: KafkaError.self) { try await producer.initTransactions(timeout: .seconds(2)) })
        errors.append(await #expect(throws: KafkaError.self) { try await producer.beginTransaction() })
        errors.append(await #expect(throws: KafkaError.self) { try await producer.commitTransaction() })
        errors.append(await #expect(throws: KafkaError.self) { try await producer.abortTransaction() })
        expectConfigurationRefused(errors, key: "transactional.id")
        #expect(try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "v")).offset == 0)
        await producer.close()
        ReliabilityRecord.badInput(
            "Transactional call on a non-transactional producer",
            figures: ["error": ".invalidConfiguration", "key": "transactional.id", "calls": "\(errors.count)"],
            asserted: "init, begin, commit, abort refused; plain send still delivered"
        )
    }

    @Test("begin before init, begin twice, commit and abort without begin are invalidState; a proper transaction follows")
    func misuseOrder() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("txn-order")
        let producer = try self.transactionalProducer(cluster)
        await expectKafkaError(.invalidState) { try await producer.beginTransaction() }
        try await producer.initTransactions()
        await expectKafkaError(.invalidState) { try await producer.commitTransaction() }
        await expectKafkaError(.invalidState) { try await producer.abortTransaction() }
        try await producer.beginTransaction()
        let beginTwice = await expectKafkaError(.invalidState) { try await producer.beginTransaction() }
        #expect(beginTwice?.requiresAbort == false)
        let report = try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "in"))
        try await producer.commitTransaction()
        #expect(report.offset == 0)
        await producer.close()
        ReliabilityRecord.badInput(
            "Transactions misuse (order of calls)",
            figures: ["error": ".invalidState", "cases": "begin before init, commit/abort without begin, begin twice"],
            asserted: "typed errors; the open transaction still commits its message"
        )
    }

    @Test("decoding garbage throws decodingFailed with the position; the next message decodes")
    func decodeGarbage() async throws {
        struct Order: Codable, Equatable { var id: Int }
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic(
            "garbage", values: ["not json {", "{\"id\":\"seven\"}", "{\"id\":7}"])
        let consumer = try await KafkaConsumer.assigned(
            to: [KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)],
            configuration: cluster.consumerConfiguration(group: nil))
        let messages = try await collect(3, from: consumer)
        await consumer.close()
        var failures: [KafkaError] = []
        for message in messages.prefix(2) {
            do throws(KafkaError) {
                _ = try message.decode(Order.self)
            } catch {
                failures.append(error)
            }
        }
        #expect(failures.map(\.code) == [.decodingFailed, .decodingFailed])
        #expect(failures.map { $0.position?.offset } == [.offset(0), .offset(1)])
        #expect(try messages[2].decode(Order.self) == Order(id: 7))
        ReliabilityRecord.badInput(
            "Decoding garbage as Codable",
            figures: ["error": ".decodingFailed", "garbage": "2", "decoded": "1"],
            asserted: "typed error naming topic/partition/offset; the good message decodes"
        )
    }
}
