import CRdKafka

/// One topic of a cluster.
public struct KafkaTopicMetadata: Sendable, Hashable {
    /// The topic name.
    public var name: String
    /// The partitions, ordered by id.
    public var partitions: [KafkaPartitionMetadata]
    /// The error the broker reported for the topic (such as `UNKNOWN_TOPIC_OR_PART`), if any.
    public var error: KafkaError.LibrdkafkaCode?

    init(_ raw: rd_kafka_metadata_topic) {
        self.name = String(cString: raw.topic)
        self.partitions = (0..<Int(raw.partition_cnt))
            .map { KafkaPartitionMetadata(raw.partitions[$0]) }
            .sorted { $0.id < $1.id }
        self.error = raw.err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : .init(raw.err)
    }
}
