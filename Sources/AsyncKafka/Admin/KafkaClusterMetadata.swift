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

/// One broker of a cluster.
public struct KafkaBrokerMetadata: Sendable, Hashable {
    /// The broker id (`broker.id`).
    public var id: Int
    /// The host the broker advertises.
    public var host: String
    /// The port the broker advertises.
    public var port: Int
}

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

/// One partition of a topic.
public struct KafkaPartitionMetadata: Sendable, Hashable {
    /// The partition id, from 0.
    public var id: Int
    /// The id of the broker that leads the partition, or `nil` when it has no leader.
    public var leader: Int?
    /// The ids of the brokers holding a replica.
    public var replicas: [Int]
    /// The ids of the replicas that are in sync with the leader.
    public var inSyncReplicas: [Int]
    /// The error the broker reported for the partition (such as `LEADER_NOT_AVAILABLE`), if any.
    public var error: KafkaError.LibrdkafkaCode?

    init(_ raw: rd_kafka_metadata_partition) {
        self.id = Int(raw.id)
        self.leader = raw.leader < 0 ? nil : Int(raw.leader)
        self.replicas = (0..<Int(raw.replica_cnt)).map { Int(raw.replicas[$0]) }
        self.inSyncReplicas = (0..<Int(raw.isr_cnt)).map { Int(raw.isrs[$0]) }
        self.error = raw.err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : .init(raw.err)
    }
}
