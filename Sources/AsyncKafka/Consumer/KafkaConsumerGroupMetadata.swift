import CRdKafka

/// A consumer's group metadata at one moment (group id, generation, member id), as
/// ``KafkaConsumer/groupMetadata()`` returns it: what a transactional producer sends with
/// the offsets it commits for that consumer. Opaque and immutable.
public final class KafkaConsumerGroupMetadata: @unchecked Sendable {
    /// The `rd_kafka_consumer_group_metadata_t *`, owned; librdkafka only reads it.
    let pointer: OpaquePointer

    init(owning pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        rd_kafka_consumer_group_metadata_destroy(self.pointer)
    }
}
