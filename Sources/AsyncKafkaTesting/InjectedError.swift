import CRdKafka

/// An error for the embedded cluster to answer requests with: a librdkafka
/// `rd_kafka_resp_err_t` value.
///
/// Kafka protocol errors (positive codes) are sent to the client as the
/// response's error code. Of librdkafka's internal codes (negative), only
/// ``transport`` means something to the mock broker: it closes the client's
/// connection instead of answering. Any other code can be written as
/// `InjectedError(rawValue: RD_KAFKA_RESP_ERR_….rawValue)`.
public struct InjectedError: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The raw `rd_kafka_resp_err_t` value.
    public let rawValue: Int32

    /// Wraps a raw `rd_kafka_resp_err_t` value.
    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    init(_ err: rd_kafka_resp_err_t) {
        self.rawValue = err.rawValue
    }

    /// The value as librdkafka's type.
    var librdkafkaValue: rd_kafka_resp_err_t {
        rd_kafka_resp_err_t(rawValue: self.rawValue)
    }

    /// No error: the request succeeds. Useful between errors in a pushed sequence,
    /// or to clear a topic error.
    public static let noError = InjectedError(RD_KAFKA_RESP_ERR_NO_ERROR)
    /// `_TRANSPORT`: the broker closes the client's connection on the request.
    public static let transport = InjectedError(RD_KAFKA_RESP_ERR__TRANSPORT)
    /// `UNKNOWN_TOPIC_OR_PART` (3).
    public static let unknownTopicOrPartition = InjectedError(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
    /// `LEADER_NOT_AVAILABLE` (5).
    public static let leaderNotAvailable = InjectedError(RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE)
    /// `NOT_LEADER_FOR_PARTITION` (6), called `NOT_LEADER_OR_FOLLOWER` in newer Kafka.
    public static let notLeaderForPartition = InjectedError(RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION)
    /// `REQUEST_TIMED_OUT` (7).
    public static let requestTimedOut = InjectedError(RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT)
    /// `BROKER_NOT_AVAILABLE` (8).
    public static let brokerNotAvailable = InjectedError(RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE)
    /// `COORDINATOR_LOAD_IN_PROGRESS` (14).
    public static let coordinatorLoadInProgress = InjectedError(RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS)
    /// `COORDINATOR_NOT_AVAILABLE` (15).
    public static let coordinatorNotAvailable = InjectedError(RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE)
    /// `NOT_COORDINATOR` (16).
    public static let notCoordinator = InjectedError(RD_KAFKA_RESP_ERR_NOT_COORDINATOR)
    /// `NOT_ENOUGH_REPLICAS` (19).
    public static let notEnoughReplicas = InjectedError(RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS)
    /// `ILLEGAL_GENERATION` (22).
    public static let illegalGeneration = InjectedError(RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION)
    /// `UNKNOWN_MEMBER_ID` (25).
    public static let unknownMemberID = InjectedError(RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID)
    /// `REBALANCE_IN_PROGRESS` (27).
    public static let rebalanceInProgress = InjectedError(RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS)
    /// `TOPIC_AUTHORIZATION_FAILED` (29).
    public static let topicAuthorizationFailed = InjectedError(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
    /// `GROUP_AUTHORIZATION_FAILED` (30).
    public static let groupAuthorizationFailed = InjectedError(RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED)
    /// `INVALID_PRODUCER_EPOCH` (47).
    public static let invalidProducerEpoch = InjectedError(RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH)
    /// `CONCURRENT_TRANSACTIONS` (51).
    public static let concurrentTransactions = InjectedError(RD_KAFKA_RESP_ERR_CONCURRENT_TRANSACTIONS)

    /// librdkafka's name for the code, such as `NOT_COORDINATOR` or `_TRANSPORT`.
    public var name: String {
        String(cString: rd_kafka_err2name(self.librdkafkaValue))
    }

    /// The name and raw value, such as `NOT_COORDINATOR(16)`.
    public var description: String {
        "\(self.name)(\(self.rawValue))"
    }
}
