/// One broker of a cluster.
public struct KafkaBrokerMetadata: Sendable, Hashable {
    /// The broker id (`broker.id`).
    public var id: Int
    /// The host the broker advertises.
    public var host: String
    /// The port the broker advertises.
    public var port: Int
}
