/// The broker's acknowledgement of a produced message.
public struct KafkaDeliveryReport: Sendable, Hashable {
    /// The topic the message was written to.
    public var topic: String
    /// The partition the message was written to.
    public var partition: Int
    /// The offset the broker gave the message.
    public var offset: Int64
    /// The message timestamp as stored by the broker, if known.
    public var timestamp: KafkaTimestamp?

    /// Creates a report; producers create these for you, your tests may want their own.
    public init(topic: String, partition: Int, offset: Int64, timestamp: KafkaTimestamp? = nil) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.timestamp = timestamp
    }
}
