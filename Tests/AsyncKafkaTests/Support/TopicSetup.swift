import AsyncKafka
import AsyncKafkaTesting

extension EmbeddedKafkaCluster {
    /// A new topic named after `prefix` with `partitions` partitions; `values`, if any, are sent to
    /// its partition 0 (by a producer closed before this returns).
    func makeTopic(_ prefix: String, partitions: Int = 1, values: [String] = []) async throws -> String {
        let topic = Unique.name(prefix)
        try self.createTopic(topic, partitions: partitions)
        if !values.isEmpty { _ = try await self.produce(values, to: topic) }
        return topic
    }
}

extension KafkaConsumer {
    /// A consumer made with `configuration` and assigned `partitions`.
    static func assigned(to partitions: [KafkaTopicPartition], configuration: KafkaConsumerConfiguration) async throws -> KafkaConsumer {
        let consumer = try KafkaConsumer(configuration: configuration)
        try await consumer.assign(partitions)
        return consumer
    }
}

/// The values `m0`, `m1`, … of `count` test messages (or with another `prefix`).
func numberedValues(_ count: Int, prefix: String = "m") -> [String] {
    (0..<count).map { "\(prefix)\($0)" }
}
