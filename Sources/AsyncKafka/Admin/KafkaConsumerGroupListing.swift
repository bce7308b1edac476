/// A consumer group, as ``KafkaAdminClient/listConsumerGroups(timeout:)`` reports it.
public struct KafkaConsumerGroupListing: Sendable, Hashable {
    /// The group id.
    public var groupID: String
    /// Whether the group only commits offsets (a "simple" group without members, such as a
    /// consumer that assigns its partitions itself).
    public var isSimple: Bool
    /// The group's state as the broker names it: `Stable`, `Empty`, `PreparingRebalance`,
    /// `CompletingRebalance`, `Dead` or `Unknown`.
    public var state: String
}
