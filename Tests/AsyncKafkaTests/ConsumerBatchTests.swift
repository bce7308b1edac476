@testable import AsyncKafka
import AsyncKafkaTesting
import CRdKafka
import Testing

@Suite("Batches and back-pressure")
struct ConsumerBatchTests {
    @Test("the batch view delivers every message exactly once, in order per partition, at most maxCount at a time")
    func batchesExactlyOnce() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("batches", partitions: 4)
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration())
        let sent = (0..<3000).map { KafkaProducerMessage(topic: topic, partition: $0 % 4, value: "\($0)") }
        for result in await producer.send(contentsOf: sent) { _ = try result.get() }
        await producer.close()

        let consumer = try await KafkaConsumer.assigned(
            to: (0..<4).map { KafkaTopicPartition(topic: topic, partition: $0, offset: .beginning) },
            configuration: cluster.consumerConfiguration())
        var received: [KafkaMessage] = []
        var largest = 0
        for try await batch in consumer.batches(maxCount: 100, maxWait: .milliseconds(20)) {
            #expect(!batch.isEmpty)
            largest = max(largest, batch.count)
            received += batch
            if received.count >= 3000 { break }
        }
        await consumer.close()
        #expect(received.count == 3000)
        #expect(largest <= 100)
        #expect(Set(received.compactMap(\.valueString)).count == 3000)
        for partition in 0..<4 {
            let offsets = received.filter { $0.partition == partition }.map(\.offset)
            #expect(offsets == Array(0..<750))
        }
    }

    @Test("leaving the loop while holding a batch commits only the batches before it")
    func cancellationCommitsProcessedBatches() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("batch-cancel", values: numberedValues(300))
        let configuration = cluster.consumerConfiguration()
        let partition = KafkaTopicPartition(topic: topic, partition: 0, offset: .stored)

        let first = try await KafkaConsumer.assigned(to: [partition], configuration: configuration)
        var batches: [[KafkaMessage]] = []
        for try await batch in first.batches(maxCount: 50) {
            batches.append(batch)
            // The second batch fails to process: the loop is left while holding it.
            if batches.count == 2 { break }
        }
        await first.close()
        #expect(batches.count == 2)

        let second = try await KafkaConsumer.assigned(to: [partition], configuration: configuration)
        let next = try await collect(1, from: second)
        await second.close()
        // The first batch was consumed (the loop asked for the second); the second was in hand.
        #expect(next.first?.offset == batches[1].first?.offset)
        #expect(next.first?.offset == Int64(batches[0].count))
    }

    @Test("a slow loop keeps the stream and librdkafka's queue within their bounds")
    func backPressureBound() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("backpressure", partitions: 8)
        let total = 200_000
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration())
        let payload = [UInt8](repeating: 42, count: 100)
        let results = await producer.send(
            contentsOf: (0..<total).map { KafkaProducerMessage(topic: topic, partition: $0 % 8, value: payload) }
        )
        #expect(results.allSatisfy { (try? $0.get()) != nil })
        await producer.close()

        var configuration = cluster.consumerConfiguration()
        configuration.maxMessagesPerBatch = 100
        configuration.maxBufferedBatches = 2
        configuration.properties["queued.max.messages.kbytes"] = "1024"
        let consumer = try await KafkaConsumer.assigned(
            to: (0..<8).map { KafkaTopicPartition(topic: topic, partition: $0, offset: .beginning) }, configuration: configuration)
        var count = 0
        var deepestLibrdkafkaQueue = 0
        for try await _ in consumer.messages {
            count += 1
            if count % 250 == 0 {
                // A deliberately slow loop: look at what waits while it "works".
                let (streamBatches, librdkafkaMessages) = try await consumer.engine.run { engine, resources in
                    (engine.maxBufferedBatches - engine.credits.load(ordering: .relaxed), Int(rd_kafka_queue_length(resources.queue)))
                }
                #expect(streamBatches <= 2)
                deepestLibrdkafkaQueue = max(deepestLibrdkafkaQueue, librdkafkaMessages)
            }
            if count == 5000 { break }
        }
        await consumer.close()
        // 1 MiB of 100-byte messages, plus one fetch response in flight: far below the 195,000 waiting.
        #expect(deepestLibrdkafkaQueue > 0)
        #expect(deepestLibrdkafkaQueue < 25_000, "librdkafka queued \(deepestLibrdkafkaQueue) messages")
    }
}
