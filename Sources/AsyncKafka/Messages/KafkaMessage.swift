/// A message read from Kafka by a ``KafkaConsumer``.
///
/// Key and value are optional: a message without a value is a *tombstone*
/// (on compacted topics it deletes its key), a message without a key is
/// legal and common. Both are raw bytes; ``keyString`` and ``valueString``
/// decode them as UTF-8 when that is what they hold.
public struct KafkaMessage: Sendable, Hashable {
    /// The topic the message was read from.
    public var topic: String
    /// The partition within ``topic``.
    public var partition: Int
    /// The message's offset within its partition.
    public var offset: Int64
    /// The message key, or `nil` when it has none.
    public var key: KafkaBytes?
    /// The message value, or `nil` for a tombstone.
    public var value: KafkaBytes?
    /// The message headers, in the order they were written (names may repeat).
    public var headers: [KafkaHeader]
    /// When the message was created or appended to the log, if the broker reports it.
    public var timestamp: KafkaTimestamp?

    /// Creates a message; consumers create these for you, tests may want their own.
    public init(
        topic: String,
        partition: Int,
        offset: Int64,
        key: KafkaBytes? = nil,
        value: KafkaBytes?,
        headers: [KafkaHeader] = [],
        timestamp: KafkaTimestamp? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }

    /// The key decoded as UTF-8, or `nil` when there is no key or it is not valid UTF-8.
    public var keyString: String? {
        self.key?.utf8String
    }

    /// The value decoded as UTF-8, or `nil` for a tombstone or a value that is not valid UTF-8.
    public var valueString: String? {
        self.value?.utf8String
    }

    /// Whether the message has no value (a deletion marker on compacted topics).
    public var isTombstone: Bool {
        self.value == nil
    }

    /// The value of the first header called `name`, if any.
    public func header(_ name: String) -> [UInt8]? {
        self.headers.first { $0.name == name }?.value ?? nil
    }
}
