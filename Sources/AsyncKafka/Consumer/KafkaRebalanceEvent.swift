/// A change of a consumer's partitions, decided by its group.
public enum KafkaRebalanceEvent: Sendable, Hashable {
    /// The consumer now also reads these partitions.
    case assigned([KafkaTopicPartition])
    /// The consumer is about to stop reading these partitions; their offsets can still be committed.
    case revoked([KafkaTopicPartition])
    /// The consumer lost these partitions without a chance to commit (its session expired, or it
    /// exceeded `max.poll.interval.ms`); another member may already read them.
    case lost([KafkaTopicPartition])

    /// The partitions concerned.
    public var partitions: [KafkaTopicPartition] {
        switch self {
        case .assigned(let partitions), .revoked(let partitions), .lost(let partitions): partitions
        }
    }
}

/// A function that runs on every rebalance, before revoked partitions are given up and after
/// assigned partitions are taken on. See ``KafkaConsumer/setRebalanceHandler(_:)``.
public typealias KafkaRebalanceHandler = @Sendable (KafkaRebalanceEvent) async -> Void
