import CRdKafka

/// A snapshot of a cluster: its brokers and topics, as one broker reported them.
public struct KafkaClusterMetadata: Sendable, Hashable {
    /// The brokers of the cluster.
    public var brokers: [KafkaBrokerMetadata]
    /// The topics, with their partitions.
    public var topics: [KafkaTopicMetadata]
    /// The id of the broker that answered, or `-1` when librdkafka does not know it: newer
    /// librdkafka (2.16; not 2.0.2) reports `-1` when the answer came over a bootstrap
    /// connection, before it has learned that broker's id.
    public var originatingBrokerID: Int

    /// The topic called `name`, if the cluster has it.
    public func topic(_ name: String) -> KafkaTopicMetadata? {
        self.topics.first { $0.name == name }
    }

    init(_ raw: rd_kafka_metadata) {
        self.brokers = (0..<Int(raw.broker_cnt)).map { index in
            let broker = raw.brokers[index]
            return KafkaBrokerMetadata(id: Int(broker.id), host: String(cString: broker.host), port: Int(broker.port))
        }
        self.topics = (0..<Int(raw.topic_cnt)).map { KafkaTopicMetadata(raw.topics[$0]) }
        self.originatingBrokerID = Int(raw.orig_broker_id)
    }
}
