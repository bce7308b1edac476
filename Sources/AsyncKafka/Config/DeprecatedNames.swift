/// Names from before every public type carried the `Kafka` prefix (the one exception is
/// ``Librdkafka``, which names the C library itself). They still compile, with a warning.

/// The earlier name of ``KafkaAcks``.
@available(*, deprecated, renamed: "KafkaAcks")
public typealias Acks = KafkaAcks

/// The earlier name of ``KafkaAutoOffsetReset``.
@available(*, deprecated, renamed: "KafkaAutoOffsetReset")
public typealias AutoOffsetReset = KafkaAutoOffsetReset
