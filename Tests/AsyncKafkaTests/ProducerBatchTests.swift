import AsyncKafka
import AsyncKafkaTesting
import Testing

@Suite("Producer batches")
struct ProducerBatchTests {
    @Test("send(contentsOf:) returns every report in input order, and the broker stores that order")
    func ordering() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("batch-order", partitions: 3)
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration())
        let messages = (0..<3000).map { KafkaProducerMessage(topic: topic, partition: $0 % 3, value: "m\($0)") }
        let results = await producer.send(contentsOf: messages)
        await producer.close()

        #expect(results.count == messages.count)
        let reports = results.compactMap { try? $0.get() }
        #expect(reports.count == messages.count)
        #expect(reports.map(\.partition) == messages.map { $0.partition ?? -1 })
        // Within each partition the offsets follow the input order: 0, 1, 2, …
        for partition in 0..<3 {
            let offsets = reports.filter { $0.partition == partition }.map(\.offset)
            #expect(offsets == (0..<1000).map(Int64.init))
        }

        let consumer = try await KafkaConsumer.assigned(
            to: [KafkaTopicPartition(topic: topic, partition: 1, offset: .beginning)], configuration: cluster.consumerConfiguration())
        let received = try await collect(1000, from: consumer)
        #expect(received.map(\.valueString) == stride(from: 1, to: 3000, by: 3).map { "m\($0)" })
    }

    @Test("a batch larger than librdkafka's queue waits for room and loses nothing")
    func largerThanQueue() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("batch-queue")
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration(queueLimit: 7))
        let messages = (0..<500).map { KafkaProducerMessage(topic: topic, partition: 0, value: "q\($0)") }
        let results = await producer.send(contentsOf: messages)
        await producer.close()
        #expect(results.map { (try? $0.get())?.offset } == (0..<500).map { Int64($0) })
    }

    @Test("failures in the middle of a batch are reported for those messages only")
    func partialFailures() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("batch-partial", partitions: 2)
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration(messageMaxBytes: 10_000))
        var messages = (0..<10).map { KafkaProducerMessage(topic: topic, partition: $0 % 2, value: "ok\($0)") }
        messages[2] = KafkaProducerMessage(topic: topic, partition: 7, value: "no such partition")
        messages[5] = KafkaProducerMessage(topic: topic, partition: 0, value: [UInt8](repeating: 0x61, count: 20_000))
        messages[7] = KafkaProducerMessage(topic: "", value: "no topic")
        let results = await producer.send(contentsOf: messages)
        await producer.close()

        #expect(results[2].errorCode == .unknownTopicOrPartition)
        #expect(results[5].errorCode == .messageTooLarge)
        #expect(results[7].errorCode == .invalidArgument)
        let delivered = [0, 1, 3, 4, 6, 8, 9]
        for index in delivered {
            #expect((try? results[index].get())?.partition == messages[index].partition)
        }
        // Nothing else was affected: partition 0 holds exactly the good messages sent to it, in order.
        let consumer = try await KafkaConsumer.assigned(
            to: [KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)], configuration: cluster.consumerConfiguration())
        let received = try await collect(4, from: consumer)
        #expect(received.map(\.valueString) == ["ok0", "ok4", "ok6", "ok8"])
    }

    @Test("100,000 messages in one batch: every report arrives, in order")
    func large() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("batch-large", partitions: 8)
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration())
        let payload = [UInt8](repeating: 0x2A, count: 100)
        let messages = (0..<100_000).map { KafkaProducerMessage(topic: topic, partition: $0 % 8, value: payload) }
        let clock = ContinuousClock()
        let start = clock.now
        let results = await producer.send(contentsOf: messages)
        let elapsed = clock.now - start
        await producer.close()
        let reports = results.compactMap { try? $0.get() }
        #expect(reports.count == messages.count)
        #expect(reports.map(\.partition) == messages.map { $0.partition ?? -1 })
        #expect(reports.filter { $0.partition == 3 }.map(\.offset) == (0..<12_500).map(Int64.init))
        let rate = Double(messages.count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        print("send(contentsOf:) of 100,000 × 100 B: \(Int(rate)) msg/s (debug build)")
    }

    @Test("a batch over two topics: each report names its message's topic, offsets follow the input per topic")
    func twoTopics() async throws {
        let cluster = try EmbeddedKafkaCluster()
        let topics = [Unique.name("batch-topic-a"), Unique.name("batch-topic-b")]
        for topic in topics { try cluster.createTopic(topic, partitions: 1) }
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration())
        let messages = (0..<600).map { KafkaProducerMessage(topic: topics[$0 % 2], partition: 0, value: "t\($0)") }
        let results = await producer.send(contentsOf: messages)
        await producer.close()
        let reports = results.compactMap { try? $0.get() }
        #expect(reports.count == messages.count)
        #expect(reports.map(\.topic) == messages.map(\.topic))
        for topic in topics {
            #expect(reports.filter { $0.topic == topic }.map(\.offset) == (0..<300).map(Int64.init))
        }
    }

    @Test("concurrent batches through a small queue: every message delivered once, reports in order")
    func concurrentBatches() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("batch-concurrent", partitions: 4)
        // Small enough that the senders keep finding the queue full and serve reports themselves.
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration(queueLimit: 500))
        let batches = (0..<4).map { batch in
            (0..<2_000).map { (index: Int) -> KafkaProducerMessage in
                let value = "b\(batch)-\(index)"
                return KafkaProducerMessage(topic: topic, partition: batch, value: value)
            }
        }
        let results = await withTaskGroup(of: (Int, [Result<KafkaDeliveryReport, KafkaError>]).self) { group in
            for (index, messages) in batches.enumerated() {
                group.addTask { (index, await producer.send(contentsOf: messages)) }
            }
            var results: [Int: [Result<KafkaDeliveryReport, KafkaError>]] = [:]
            for await (index, batchResults) in group { results[index] = batchResults }
            return results
        }
        await producer.close()
        for batch in 0..<4 {
            let reports = (results[batch] ?? []).compactMap { try? $0.get() }
            // One batch per partition: its offsets are 0, 1, 2, … in input order.
            #expect(reports.map(\.offset) == (0..<2_000).map(Int64.init), "batch \(batch)")
            #expect(reports.allSatisfy { $0.partition == batch && $0.topic == topic }, "batch \(batch)")
        }
    }

    @Test("close while four batches are enqueueing: each message is delivered or refused, the broker holds exactly the delivered ones")
    func closeDuringConcurrentBatches() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("batch-close-race", partitions: 4)
        // No leaders yet: librdkafka's queue fills up (1,000) and stays full, a state the test
        // cannot miss (with leaders, a loaded machine could deliver all 80,000 messages
        // before this task looks).
        for partition in 0..<4 { try cluster.setPartitionLeader(topic: topic, partition: partition, broker: nil) }
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration(queueLimit: 1000))
        let senders = Task {
            await withTaskGroup(of: (Int, [Result<KafkaDeliveryReport, KafkaError>]).self) { group in
                for batch in 0..<4 {
                    let messages = (0..<20_000).map { KafkaProducerMessage(topic: topic, partition: batch, value: "b\(batch)-\($0)") }
                    group.addTask { (batch, await producer.send(contentsOf: messages)) }
                }
                var results: [Int: [Result<KafkaDeliveryReport, KafkaError>]] = [:]
                for await (batch, batchResults) in group { results[batch] = batchResults }
                return results
            }
        }
        // The senders wait for room (no event announces it: poll, with a deadline).
        try #require(await eventually { producer.queuedMessageCount >= 1000 }, "the queue never filled up")
        // Deliveries resume and free room while close shuts the producer to new messages.
        for partition in 0..<4 { try cluster.setPartitionLeader(topic: topic, partition: partition, broker: 1) }
        await producer.close()
        let results = await senders.value
        let checker = try KafkaConsumer(configuration: cluster.consumerConfiguration(group: nil))
        var refused = 0
        for batch in 0..<4 {
            let batchResults = try #require(results[batch])
            let delivered = batchResults.prefix { if case .success = $0 { true } else { false } }
            // Delivered first, in order; then refused, because close shut the producer to new messages.
            #expect(delivered.compactMap { try? $0.get().offset } == (0..<Int64(delivered.count)).map { $0 })
            #expect(batchResults.dropFirst(delivered.count).allSatisfy { $0.errorCode == .clientClosed }, "batch \(batch)")
            refused += batchResults.count - delivered.count
            #expect(try await checker.watermarks(topic: topic, partition: batch).high == Int64(delivered.count), "batch \(batch)")
        }
        await checker.close()
        #expect(refused > 0, "close came after all 80,000 messages were enqueued: the race was not exercised")
    }

    @Test("an empty batch returns at once")
    func empty() async throws {
        let cluster = try EmbeddedKafkaCluster()
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration())
        #expect(await producer.send(contentsOf: []).isEmpty)
        await producer.close()
    }

    @Test("close purges a batch that cannot be delivered: enqueued messages get purged, the rest clientClosed")
    func closePurgesBatch() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("batch-purge")
        try cluster.setAllBrokersDown()
        var configuration = cluster.producerConfiguration(queueLimit: 5)
        configuration.messageTimeout = .seconds(60)
        let producer = try KafkaProducer(configuration: configuration)
        let messages = (0..<12).map { KafkaProducerMessage(topic: topic, partition: 0, value: "p\($0)") }
        let batch = Task { await producer.send(contentsOf: messages) }
        // The first five fill librdkafka's queue; the batch then waits for room that never comes.
        try #require(await eventually { producer.queuedMessageCount >= 5 }, "the messages never reached librdkafka's queue")
        await producer.close(timeout: .milliseconds(100))
        let results = await batch.value
        #expect(results.count == 12)
        for (index, result) in results.enumerated() {
            guard case .failure(let error) = result else {
                Issue.record("message \(index) was delivered to a cluster that is down")
                continue
            }
            #expect(error.code == (index < 5 ? .purged : .clientClosed), "message \(index)")
        }
    }

    @Test("a batch sent after close fails every message with clientClosed")
    func afterClose() async throws {
        let cluster = try EmbeddedKafkaCluster()
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration())
        await producer.close()
        let results = await producer.send(contentsOf: [KafkaProducerMessage(topic: "t", value: "a"), .init(topic: "t", value: "b")])
        #expect(results.map(\.errorCode) == [.clientClosed, .clientClosed])
    }
}

extension Result where Failure == KafkaError {
    /// The error's code, or `nil` for a success.
    var errorCode: KafkaError.Code? {
        if case .failure(let error) = self { return error.code }
        return nil
    }
}
