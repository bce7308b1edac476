/// A snapshot of a client's librdkafka statistics: the fields that matter for monitoring.
///
/// librdkafka emits one snapshot every ``KafkaClientConfiguration/statisticsInterval``
/// (`statistics.interval.ms`, off by default). Read them from
/// ``KafkaConsumer/statistics`` or ``KafkaProducer/statistics``, or report them as
/// metrics with ``KafkaStatisticsMetrics``. Counters (`requestsSent`, `bytesSent`, …)
/// are totals since the client started; gauges (`messagesQueued`, …) are current values.
/// The field names in the JSON form (`Codable`) are librdkafka's own, see librdkafka's
/// `STATISTICS.md`.
public struct KafkaStatistics: Sendable, Hashable, Codable {
    /// The client's instance name, such as `rdkafka#consumer-1`.
    public var name: String
    /// The configured `client.id`.
    public var clientID: String
    /// `"producer"` or `"consumer"`.
    public var type: String
    /// When librdkafka took the snapshot, in microseconds of its monotonic clock.
    public var timestampMicroseconds: Int64
    /// Messages waiting in the producer queues (`msg_cnt`).
    public var messagesQueued: Int64
    /// Bytes of the messages waiting in the producer queues (`msg_size`).
    public var messageBytesQueued: Int64
    /// Requests sent to brokers, in total (`tx`).
    public var requestsSent: Int64
    /// Bytes sent to brokers, in total (`tx_bytes`).
    public var bytesSent: Int64
    /// Responses received from brokers, in total (`rx`).
    public var responsesReceived: Int64
    /// Bytes received from brokers, in total (`rx_bytes`).
    public var bytesReceived: Int64
    /// Messages sent to brokers (producer), in total (`txmsgs`).
    public var messagesSent: Int64
    /// Messages received from brokers (consumer), in total (`rxmsgs`).
    public var messagesReceived: Int64
    /// The brokers the client knows, by librdkafka's broker name (`host:port/id`).
    public var brokers: [String: Broker]
    /// The topics the client uses, by name.
    public var topics: [String: Topic]

    enum CodingKeys: String, CodingKey {
        case name, type, brokers, topics
        case clientID = "client_id"
        case timestampMicroseconds = "ts"
        case messagesQueued = "msg_cnt"
        case messageBytesQueued = "msg_size"
        case requestsSent = "tx"
        case bytesSent = "tx_bytes"
        case responsesReceived = "rx"
        case bytesReceived = "rx_bytes"
        case messagesSent = "txmsgs"
        case messagesReceived = "rxmsgs"
    }

    /// One broker's connection statistics.
    public struct Broker: Sendable, Hashable, Codable {
        /// librdkafka's broker name, such as `localhost:9092/1`.
        public var name: String
        /// The broker id, or `-1` for a bootstrap broker whose id is not known yet.
        public var nodeID: Int
        /// The connection state, such as `UP`, `DOWN` or `INIT`.
        public var state: String
        /// Requests waiting to be sent (`outbuf_cnt`).
        public var outputBufferRequests: Int64
        /// Requests sent and waiting for their response (`waitresp_cnt`).
        public var waitingResponses: Int64
        /// Requests sent, in total (`tx`).
        public var requestsSent: Int64
        /// Responses received, in total (`rx`).
        public var responsesReceived: Int64
        /// Round-trip times of the last interval, in microseconds; `nil` when librdkafka reports none.
        public var roundTripTime: Window?

        enum CodingKeys: String, CodingKey {
            case name, state
            case nodeID = "nodeid"
            case outputBufferRequests = "outbuf_cnt"
            case waitingResponses = "waitresp_cnt"
            case requestsSent = "tx"
            case responsesReceived = "rx"
            case roundTripTime = "rtt"
        }
    }

    /// A distribution over the last statistics interval, in microseconds.
    public struct Window: Sendable, Hashable, Codable {
        /// The smallest value.
        public var min: Int64
        /// The largest value.
        public var max: Int64
        /// The mean.
        public var avg: Int64
        /// The 99th percentile.
        public var p99: Int64
        /// How many values were measured.
        public var cnt: Int64
    }

    /// One topic's statistics.
    public struct Topic: Sendable, Hashable, Codable {
        /// The topic name.
        public var name: String
        /// The partitions, by id; `-1` is librdkafka's queue of messages not yet assigned a partition.
        public var partitions: [Int: Partition]

        enum CodingKeys: String, CodingKey {
            case name = "topic"
            case partitions
        }
    }

    /// One partition's statistics. Offsets are `-1` (or another negative value) when unknown.
    public struct Partition: Sendable, Hashable, Codable {
        /// The partition id.
        public var partition: Int
        /// The id of the partition's leader broker, or `-1`.
        public var leader: Int
        /// Producer: messages waiting in the partition's queue (`msgq_cnt`).
        public var messagesQueued: Int64
        /// Consumer: messages fetched and waiting to be consumed (`fetchq_cnt`).
        public var fetchQueueMessages: Int64
        /// The partition's low watermark (`lo_offset`).
        public var lowWatermark: Int64
        /// The partition's high watermark (`hi_offset`).
        public var highWatermark: Int64
        /// Consumer: the group's last committed offset (`committed_offset`).
        public var committedOffset: Int64
        /// Consumer: how far the committed offset lags behind the high watermark (`consumer_lag`).
        public var consumerLag: Int64

        enum CodingKeys: String, CodingKey {
            case partition, leader
            case messagesQueued = "msgq_cnt"
            case fetchQueueMessages = "fetchq_cnt"
            case lowWatermark = "lo_offset"
            case highWatermark = "hi_offset"
            case committedOffset = "committed_offset"
            case consumerLag = "consumer_lag"
        }
    }
}
