import CRdKafka

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
