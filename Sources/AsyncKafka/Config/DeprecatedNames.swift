/// Earlier names, which still compile with a warning: types from before every public type
/// carried the `Kafka` prefix (the one exception is ``Librdkafka``, which names the C
/// library itself), and members renamed because their names misled.

/// The earlier name of ``KafkaAcks``.
@available(*, deprecated, renamed: "KafkaAcks")
public typealias Acks = KafkaAcks

/// The earlier name of ``KafkaAutoOffsetReset``.
@available(*, deprecated, renamed: "KafkaAutoOffsetReset")
public typealias AutoOffsetReset = KafkaAutoOffsetReset

extension KafkaConsumerConfiguration {
    /// The most messages handed to the message stream at once.
    @available(
        *, deprecated, renamed: "maxMessagesPerBatch", message: "a consumer's batch counts messages; a producer's batchSize counts bytes"
    )
    public var batchSize: Int {
        get { self.maxMessagesPerBatch }
        set { self.maxMessagesPerBatch = newValue }
    }
}
