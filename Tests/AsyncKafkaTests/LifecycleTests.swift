import AsyncKafka
import AsyncKafkaTesting
import Testing

@Suite("Client lifecycle")
struct LifecycleTests {
    @Test("close is idempotent, also when called concurrently, and ends the message stream")
    func closeIdempotent() async throws {
        let cluster = try EmbeddedKafkaCluster()
        let consumer = try KafkaConsumer(configuration: cluster.consumerConfiguration())
        async let a: Void = consumer.close()
        async let b: Void = consumer.close()
        _ = await (a, b)
        await consumer.close()
        var count = 0
        for try await _ in consumer.messages { count += 1 }
        #expect(count == 0)
    }

    @Test("a closed consumer refuses work with clientClosed")
    func closedConsumer() async throws {
        let cluster = try EmbeddedKafkaCluster()
        let consumer = try KafkaConsumer(configuration: cluster.consumerConfiguration())
        await consumer.close()
        await expectKafkaError(.clientClosed) {
            try await consumer.assign([KafkaTopicPartition(topic: "t", partition: 0)])
        }
        await expectKafkaError(.clientClosed) { try await consumer.commit() }
    }

    @Test("breaking out of the loop closes the consumer")
    func breakCloses() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("break", values: ["a", "b", "c"])
        let consumer = try await KafkaConsumer.assigned(
            to: [KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)], configuration: cluster.consumerConfiguration())
        for try await _ in consumer.messages { break }
        await consumer.close()
        await expectKafkaError(.clientClosed) { try await consumer.commit() }
    }

    @Test("an error thrown in the loop closes the consumer")
    func thrownErrorCloses() async throws {
        struct Boom: Error {}
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("throw", values: ["a"])
        let consumer = try await KafkaConsumer.assigned(
            to: [KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)], configuration: cluster.consumerConfiguration())
        await #expect(throws: Boom.self) {
            for try await _ in consumer.messages { throw Boom() }
        }
        await consumer.close()
        await expectKafkaError(.clientClosed) {
            try await consumer.assign([KafkaTopicPartition(topic: topic, partition: 0)])
        }
    }

    @Test("cancelling a task that waits for messages closes the consumer without a hang")
    func cancelWhileWaiting() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("idle")
        let consumer = try await KafkaConsumer.assigned(
            to: [KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)], configuration: cluster.consumerConfiguration())
        let task = Task { () -> Int in
            var count = 0
            for try await _ in consumer.messages { count += 1 }
            return count
        }
        task.cancel()
        #expect(try await task.value == 0)
        await consumer.close()
    }

    @Test("cancellation ends the loop at the next message, not after the buffered batches")
    func cancellationIsPrompt() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("prompt", values: numberedValues(3000))
        let consumer = try await KafkaConsumer.assigned(
            to: [KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)], configuration: cluster.consumerConfiguration())
        let task = Task { () -> Int in
            var count = 0
            for try await _ in consumer.messages {
                count += 1
                if count == 10 { withUnsafeCurrentTask { $0?.cancel() } }
            }
            return count
        }
        #expect(try await task.value == 10)
        await consumer.close()
    }

    @Test("close from another task ends the loop at its next message")
    func closeEndsLoop() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("close-ends", values: numberedValues(3000))
        let consumer = try await KafkaConsumer.assigned(
            to: [KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)], configuration: cluster.consumerConfiguration())
        var count = 0
        for try await _ in consumer.messages {
            count += 1
            if count == 10 { await consumer.close() }
        }
        #expect(count == 10)
    }

    @Test("a consumer without a group reads assigned partitions but cannot subscribe or commit")
    func noGroup() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("nogroup", values: ["a", "b"])
        let consumer = try KafkaConsumer(configuration: cluster.consumerConfiguration(group: nil))
        let subscribeError = await #expect(throws: KafkaError.self) { try await consumer.subscribe(to: [topic]) }
        #expect(subscribeError?.configurationKey == "group.id")
        try await consumer.assign([KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)])
        let messages = try await collect(2, from: consumer)
        #expect(messages.compactMap(\.valueString) == ["a", "b"])
        await expectKafkaError(.invalidConfiguration) { try await consumer.commit() }
        await consumer.close()
    }

    @Test("closing never hangs on an unreachable cluster: closeTimeout bounds it")
    func closeTimeoutBound() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("unreachable", values: ["a", "b"])
        var configuration = cluster.consumerConfiguration()
        configuration.closeTimeout = .seconds(2)
        let consumer = try await KafkaConsumer.assigned(
            to: [KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)], configuration: configuration)
        var iterator = consumer.messages.makeAsyncIterator()
        #expect(try await iterator.next()?.valueString == "a")
        // "a" is now consumed: closing wants to commit it, which needs the (unreachable) coordinator.
        #expect(try await iterator.next()?.valueString == "b")
        try cluster.setAllBrokersDown()
        let clock = ContinuousClock()
        let start = clock.now
        await consumer.close()
        // The final commit cannot reach the coordinator; close gives up after closeTimeout.
        #expect(clock.now - start < .seconds(10))
    }

    @Test("the message stream can be iterated only once")
    func iterateTwice() async throws {
        let cluster = try EmbeddedKafkaCluster()
        let consumer = try KafkaConsumer(configuration: cluster.consumerConfiguration())
        var first = consumer.messages.makeAsyncIterator()
        var second = consumer.messages.makeAsyncIterator()
        await expectKafkaError(.alreadyIterating) { _ = try await second.next() }
        await consumer.close()
        #expect(try await first.next() == nil)
    }

    @Test("sending with a closed producer gives clientClosed")
    func closedProducer() async throws {
        let cluster = try EmbeddedKafkaCluster()
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration())
        await producer.close()
        await producer.close()
        await expectKafkaError(.clientClosed) {
            try await producer.send(KafkaProducerMessage(topic: "t", value: "v"))
        }
        await expectKafkaError(.clientClosed) {
            try await producer.enqueue(KafkaProducerMessage(topic: "t", value: "v"))
        }
    }

    @Test("close reports every undeliverable message to its sender as purged")
    func closePurges() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("purge")
        for broker in cluster.brokerIDs { try cluster.setBrokerDown(broker) }
        var configuration = cluster.producerConfiguration()
        configuration.messageTimeout = .seconds(60)
        let producer = try KafkaProducer(configuration: configuration)
        let sends = Task {
            try await withThrowingTaskGroup(of: Result<KafkaDeliveryReport, KafkaError>.self) { group in
                for index in 0..<5 {
                    group.addTask {
                        do throws(KafkaError) {
                            return .success(try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "\(index)")))
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        // Every send has reached librdkafka's queue (the broker is down, so none can leave it).
        try #require(await eventually { producer.queuedMessageCount >= 5 }, "the messages never reached librdkafka's queue")
        await producer.close(timeout: .milliseconds(100))
        let results = try await sends.value
        #expect(results.count == 5)
        for result in results {
            guard case .failure(let error) = result else {
                Issue.record("a message was delivered to a broker that is down")
                continue
            }
            #expect(error.code == .purged)
        }
    }
}
