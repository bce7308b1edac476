/// A message to send with a ``KafkaProducer``.
///
/// ```swift
/// let message = KafkaProducerMessage(topic: "myTopic", key: "user-42", value: "hello")
/// ```
///
/// A message with no value is a *tombstone*: on a compacted topic it deletes its key.
/// ``tombstone(topic:partition:key:headers:timestamp:)-(_,_,String?,_,_)`` makes one; so does `value: nil`:
///
/// ```swift
/// let deleted = KafkaProducerMessage.tombstone(topic: "users", key: "user-42")
/// let keyless = KafkaProducerMessage(topic: "users", value: nil)
/// ```
public struct KafkaProducerMessage: Sendable, Hashable {
    /// The topic to write to.
    public var topic: String
    /// The partition to write to, or `nil` to let the partitioner choose (by key hash when there is a key).
    public var partition: Int?
    /// The key, or `nil` for none.
    public var key: [UInt8]?
    /// The value, or `nil` for a tombstone.
    public var value: [UInt8]?
    /// Headers to send with the message.
    public var headers: [KafkaHeader]
    /// The create time to record, or `nil` for "now".
    public var timestamp: KafkaTimestamp?

    /// Creates a message from bytes.
    public init(
        topic: String,
        partition: Int? = nil,
        key: [UInt8]? = nil,
        value: [UInt8]?,
        headers: [KafkaHeader] = [],
        timestamp: KafkaTimestamp? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }

    /// Creates a message from UTF-8 strings.
    ///
    /// Where the arguments fit both initialisers (`value: nil` with no key, or `key: nil`),
    /// the bytes initialiser is chosen; the message is the same.
    @_disfavoredOverload
    public init(
        topic: String,
        partition: Int? = nil,
        key: String? = nil,
        value: String?,
        headers: [KafkaHeader] = [],
        timestamp: KafkaTimestamp? = nil
    ) {
        self.init(
            topic: topic,
            partition: partition,
            key: key.map { Array($0.utf8) },
            value: value.map { Array($0.utf8) },
            headers: headers,
            timestamp: timestamp
        )
    }

    /// A tombstone: a message with `key` and no value, which deletes `key` on a compacted topic.
    ///
    /// The consumer receives it with a `nil` ``KafkaMessage/value``.
    public static func tombstone(
        topic: String,
        partition: Int? = nil,
        key: [UInt8]? = nil,
        headers: [KafkaHeader] = [],
        timestamp: KafkaTimestamp? = nil
    ) -> KafkaProducerMessage {
        KafkaProducerMessage(topic: topic, partition: partition, key: key, value: nil, headers: headers, timestamp: timestamp)
    }

    /// A tombstone whose key is a UTF-8 string: a message with no value, which deletes `key` on a compacted topic.
    ///
    /// The consumer receives it with a `nil` ``KafkaMessage/value``.
    @_disfavoredOverload
    public static func tombstone(
        topic: String,
        partition: Int? = nil,
        key: String?,
        headers: [KafkaHeader] = [],
        timestamp: KafkaTimestamp? = nil
    ) -> KafkaProducerMessage {
        .tombstone(topic: topic, partition: partition, key: key.map { Array($0.utf8) }, headers: headers, timestamp: timestamp)
    }
}
