import ArgumentParser
import AsyncKafka

/// Reads messages from one topic, upper-cases them and writes them to another, exactly once:
/// each batch of output messages and the input offsets it consumed commit in one transaction.
///
///     swift run TransactionalExample --input-topic words --output-topic WORDS
///
/// If the process dies mid-batch, the transaction is aborted (by the broker, after the
/// transaction timeout, or by the next instance with the same transactional id) and the
/// group resumes from the last committed offsets: no output is lost or duplicated for
/// consumers reading with `isolation.level=read_committed`.
@main
struct TransactionalExample: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "TransactionalExample",
        abstract: "Consume, transform (uppercase) and produce exactly once with a Kafka transaction."
    )

    @Option(help: "Comma-separated host:port list of brokers.")
    var bootstrapServers = "localhost:29092"

    @Option(help: "The topic to read.")
    var inputTopic = "myTopic"

    @Option(help: "The topic to write the upper-cased messages to.")
    var outputTopic = "myTopicUppercased"

    @Option(help: "The consumer group.")
    var group = "transactional-example"

    @Option(help: "The producer's transactional id: keep it stable across restarts of this instance.")
    var transactionalID = "transactional-example-1"

    @Option(help: "Messages per transaction.")
    var batchSize = 100

    @Option(help: "Stop after this many messages (0: run until interrupted).")
    var limit = 0

    func run() async throws {
        var consumerConfiguration = KafkaConsumerConfiguration(
            bootstrapServers: self.bootstrapServers,
            groupID: self.group,
            autoOffsetReset: .earliest
        )
        consumerConfiguration.enableAutoCommit = false  // offsets commit with the transactions
        consumerConfiguration.properties["isolation.level"] = "read_committed"
        let consumer = try KafkaConsumer(configuration: consumerConfiguration)

        var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: self.bootstrapServers)
        producerConfiguration.transactionalID = self.transactionalID
        let producer = try KafkaProducer(configuration: producerConfiguration)

        do {
            try await producer.initTransactions()
            try await consumer.subscribe(to: [self.inputTopic])
            try await self.process(consumer, producer)
        } catch {
            await producer.close()
            await consumer.close()
            throw error
        }
        await producer.close()
        await consumer.close()
    }

    private func process(_ consumer: KafkaConsumer, _ producer: KafkaProducer) async throws {
        var iterator = consumer.messages.makeAsyncIterator()
        var total = 0
        while self.limit == 0 || total < self.limit {
            // Gather a batch (the iterator waits for messages).
            var batch: [KafkaMessage] = []
            while batch.count < self.batchSize, self.limit == 0 || total + batch.count < self.limit,
                let message = try await iterator.next()
            {
                batch.append(message)
            }
            guard !batch.isEmpty else { return }

            try await producer.withTransaction {
                let output = batch.map {
                    KafkaProducerMessage(topic: self.outputTopic, key: $0.keyString, value: $0.valueString?.uppercased())
                }
                for result in await producer.send(contentsOf: output) {
                    _ = try result.get()  // any failure aborts the whole transaction
                }
                try await producer.sendOffsetsToTransaction(Self.nextOffsets(after: batch), consumer: consumer)
            }
            total += batch.count
            print("committed \(batch.count) messages (\(total) in all)")
        }
    }

    /// For each partition, the offset after the last message of `batch`: where the group resumes.
    private static func nextOffsets(after batch: [KafkaMessage]) -> [KafkaTopicPartition] {
        var next: [String: KafkaTopicPartition] = [:]
        for message in batch {
            next["\(message.topic)/\(message.partition)"] = KafkaTopicPartition(
                topic: message.topic,
                partition: message.partition,
                offset: .offset(message.offset + 1)
            )
        }
        return next.values.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
    }
}
