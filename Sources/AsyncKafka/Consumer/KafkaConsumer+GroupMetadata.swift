import CRdKafka

extension KafkaConsumer {
    /// The consumer's current group metadata (group id, generation, member id), which a
    /// transactional producer needs to commit this consumer's offsets in a transaction.
    ///
    /// Take it just before ``KafkaProducer/sendOffsetsToTransaction(_:groupMetadata:timeout:)``:
    /// after a rebalance the old metadata is stale and the broker fences the offsets.
    /// ``KafkaProducer/sendOffsetsToTransaction(_:consumer:timeout:)`` does this for you.
    /// - Throws: ``KafkaError/Code/invalidConfiguration`` when the consumer has no consumer group,
    ///   ``KafkaError/Code/clientClosed`` once closed.
    public nonisolated func groupMetadata() async throws(KafkaError) -> KafkaConsumerGroupMetadata {
        guard self.engine.groupID != nil else {
            throw KafkaError(
                code: .invalidConfiguration,
                message: "group metadata needs a consumer group: set groupID (group.id)",
                configurationKey: "group.id"
            )
        }
        return try await self.engine.run { _, resources throws(KafkaError) in
            guard let metadata = rd_kafka_consumer_group_metadata(resources.handle.pointer) else {
                throw KafkaError(code: .librdkafka, message: "librdkafka returned no consumer group metadata")
            }
            return KafkaConsumerGroupMetadata(owning: metadata)
        }
    }
}
