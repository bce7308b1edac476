import AsyncKafka
import AsyncKafkaTesting

/// Steps the fault tests share (through ``FaultTopic``): a consumer reading every partition
/// into a tally, and the next consumer reading the rest.
extension NumberedMessages {
    /// Every partition of `topic`, starting at `offset`.
    static func partitions(of topic: String, count: Int, offset: KafkaOffset) -> [KafkaTopicPartition] {
        (0..<count).map { KafkaTopicPartition(topic: topic, partition: $0, offset: offset) }
    }

    /// A consumer without a group reading every partition of `topic` from the beginning into
    /// `tally` until it is complete or `deadline` passed, in a task.
    static func reader(
        _ topic: String,
        partitions: Int,
        cluster: EmbeddedKafkaCluster,
        into tally: NumberTally,
        deadline: Duration = .seconds(60)
    ) async throws -> (KafkaConsumer, Task<Void, any Error>) {
        let consumer = try await KafkaConsumer.assigned(
            to: Self.partitions(of: topic, count: partitions, offset: .beginning), configuration: cluster.consumerConfiguration(group: nil))
        let task = Task { try await tally.consume(consumer, until: { $0.isComplete }, deadline: deadline) }
        return (consumer, task)
    }
}

extension NumberTally {
    /// The next consumer after a fault: one made with `configuration` and started by `start`
    /// (assign or subscribe) reads, in a new session, until every number was seen or 30 s
    /// passed, and is closed.
    func readRest(
        configuration: KafkaConsumerConfiguration,
        start: (KafkaConsumer) async throws -> Void
    ) async throws {
        let next = try KafkaConsumer(configuration: configuration)
        try await start(next)
        self.newSession()
        try await self.consume(next, until: { $0.isComplete }, deadline: .seconds(30))
        await next.close()
    }
}
