import CRdKafka

/// Named librdkafka error codes, to compare a ``KafkaError/librdkafkaCode`` with:
///
/// ```swift
/// for await error in consumer.errors where error.librdkafkaCode == .allBrokersDown {
///     print("no broker answers: \(error.message)")
/// }
/// ```
///
/// Names starting with an underscore in librdkafka (`_ALL_BROKERS_DOWN`) are raised by the
/// client itself; the others are the broker's Kafka protocol errors. Any other code can be
/// made with ``KafkaError/LibrdkafkaCode/init(rawValue:)``.
extension KafkaError.LibrdkafkaCode {
    /// `_TRANSPORT`: a broker connection failed or was closed.
    public static let transport = Self(RD_KAFKA_RESP_ERR__TRANSPORT)
    /// `_RESOLVE`: a broker's host name could not be resolved.
    public static let resolve = Self(RD_KAFKA_RESP_ERR__RESOLVE)
    /// `_ALL_BROKERS_DOWN`: no broker connection is up.
    public static let allBrokersDown = Self(RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
    /// `_TIMED_OUT`: an operation did not complete in time.
    public static let timedOut = Self(RD_KAFKA_RESP_ERR__TIMED_OUT)
    /// `_MSG_TIMED_OUT`: a message was not delivered within `message.timeout.ms`.
    public static let messageTimedOut = Self(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT)
    /// `_QUEUE_FULL`: the producer's local queue is full.
    public static let queueFull = Self(RD_KAFKA_RESP_ERR__QUEUE_FULL)
    /// `_SSL`: a TLS error (handshake, certificate verification).
    public static let ssl = Self(RD_KAFKA_RESP_ERR__SSL)
    /// `_AUTHENTICATION`: SASL authentication failed on the client's side.
    public static let authentication = Self(RD_KAFKA_RESP_ERR__AUTHENTICATION)
    /// `SASL_AUTHENTICATION_FAILED`: the broker refused the client's credentials.
    public static let saslAuthenticationFailed = Self(RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED)
    /// `_FATAL`: a fatal error; the client must be closed.
    public static let fatal = Self(RD_KAFKA_RESP_ERR__FATAL)
    /// `_FENCED`: this producer or consumer was fenced by a newer instance.
    public static let fenced = Self(RD_KAFKA_RESP_ERR__FENCED)
    /// `PRODUCER_FENCED`: the broker fenced this transactional producer.
    public static let producerFenced = Self(RD_KAFKA_RESP_ERR_PRODUCER_FENCED)
    /// `UNKNOWN_TOPIC_OR_PART`: the topic or partition does not exist.
    public static let unknownTopicOrPartition = Self(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
    /// `MSG_SIZE_TOO_LARGE`: the message is larger than the broker or topic accepts.
    public static let messageSizeTooLarge = Self(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE)
    /// `TOPIC_AUTHORIZATION_FAILED`: the client may not use the topic.
    public static let topicAuthorizationFailed = Self(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
    /// `GROUP_AUTHORIZATION_FAILED`: the client may not use the consumer group.
    public static let groupAuthorizationFailed = Self(RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED)
    /// `_MAX_POLL_EXCEEDED`: the consumer left its group because it did not poll within `max.poll.interval.ms`.
    public static let maxPollExceeded = Self(RD_KAFKA_RESP_ERR__MAX_POLL_EXCEEDED)
    /// `_AUTO_OFFSET_RESET`: no valid offset and `auto.offset.reset=error`.
    public static let autoOffsetReset = Self(RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET)
    /// `REBALANCE_IN_PROGRESS`: the group is rebalancing (a commit was refused).
    public static let rebalanceInProgress = Self(RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS)
}
