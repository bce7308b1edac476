/// A topic to create with ``KafkaAdminClient/createTopics(_:validateOnly:timeout:)``.
public struct KafkaNewTopic: Sendable, Hashable {
    /// The topic name: 1 to 249 characters from `[a-zA-Z0-9._-]`.
    public var name: String
    /// The number of partitions, or `nil` for the broker's default (`num.partitions`, brokers ≥ 2.4).
    public var partitions: Int?
    /// The number of replicas of each partition, or `nil` for the broker's default
    /// (`default.replication.factor`, brokers ≥ 2.4).
    public var replicationFactor: Int?
    /// Topic configuration, such as `["cleanup.policy": "compact", "retention.ms": "86400000"]`.
    public var configs: [String: String]

    /// Creates a topic description.
    public init(name: String, partitions: Int? = nil, replicationFactor: Int? = nil, configs: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.configs = configs
    }
}
