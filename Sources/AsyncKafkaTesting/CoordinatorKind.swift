/// Which kind of coordinator ``EmbeddedKafkaCluster/setCoordinator(_:key:broker:)`` assigns.
public struct CoordinatorKind: Hashable, Sendable, CustomStringConvertible {
    /// The key type as librdkafka's mock cluster spells it.
    let keyType: String

    private init(_ keyType: String) {
        self.keyType = keyType
    }

    /// The group coordinator for a consumer group; the key is the `group.id`.
    public static let group = CoordinatorKind("group")
    /// The transaction coordinator for a transactional producer; the key is the `transactional.id`.
    public static let transaction = CoordinatorKind("transaction")

    /// `group` or `transaction`.
    public var description: String { self.keyType }
}
