/// How far a consumer is behind in one partition.
public struct KafkaPartitionLag: Sendable, Hashable {
    /// The topic.
    public var topic: String
    /// The partition.
    public var partition: Int
    /// The next offset the loop will read, when known.
    public var position: Int64?
    /// The offset the next message written will get.
    public var highWatermark: Int64
    /// `highWatermark - position`, when the position is known.
    public var lag: Int64?

    /// Creates a lag entry.
    public init(topic: String, partition: Int, position: Int64?, highWatermark: Int64, lag: Int64?) {
        self.topic = topic
        self.partition = partition
        self.position = position
        self.highWatermark = highWatermark
        self.lag = lag
    }
}
