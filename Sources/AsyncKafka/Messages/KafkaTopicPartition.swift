/// A partition of a topic, with an optional offset: what ``KafkaConsumer/assign(_:)`` takes.
public struct KafkaTopicPartition: Sendable, Hashable, CustomStringConvertible {
    /// The topic name.
    public var topic: String
    /// The partition number, from 0.
    public var partition: Int
    /// Where to start reading, for assignment; `.stored` resumes from the group's committed offset.
    public var offset: KafkaOffset

    /// Creates a topic partition.
    public init(topic: String, partition: Int, offset: KafkaOffset = .stored) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }

    /// `topic[partition]@offset`.
    public var description: String {
        "\(self.topic)[\(self.partition)]@\(self.offset)"
    }
}
