import AsyncKafka

extension KafkaConsumer {
    /// A consumer made with `configuration` and assigned `partitions`.
    static func assigned(to partitions: [KafkaTopicPartition], configuration: KafkaConsumerConfiguration) async throws -> KafkaConsumer {
        let consumer = try KafkaConsumer(configuration: configuration)
        try await consumer.assign(partitions)
        return consumer
    }
}
