import Metrics
import Synchronization

/// Reports ``KafkaStatistics`` snapshots as swift-metrics metrics with stable names.
///
/// ```swift
/// var configuration = KafkaConsumerConfiguration(bootstrapServers: servers, groupID: "orders")
/// configuration.statisticsInterval = .seconds(10)
/// let consumer = try KafkaConsumer(configuration: configuration)
/// consumer.reportMetrics()   // to MetricsSystem.factory; or .reportMetrics(to: KafkaStatisticsMetrics(factory: …))
/// ```
///
/// Every metric has the dimensions `client_id` (the configured `client.id`), `client`
/// (librdkafka's instance name, such as `rdkafka#consumer-1`) and `type` (`producer` or
/// `consumer`); no configuration value other than `client.id` is ever used as a
/// dimension, so no secret can leak into metrics.
///
/// | Metric | Kind | Extra dimensions | librdkafka field |
/// | ------ | ---- | ---------------- | ---------------- |
/// | `kafka_client_messages_queued` | gauge | | `msg_cnt` |
/// | `kafka_client_messages_queued_bytes` | gauge | | `msg_size` |
/// | `kafka_client_requests_sent_total` | counter | | `tx` |
/// | `kafka_client_responses_received_total` | counter | | `rx` |
/// | `kafka_client_sent_bytes_total` | counter | | `tx_bytes` |
/// | `kafka_client_received_bytes_total` | counter | | `rx_bytes` |
/// | `kafka_client_messages_sent_total` | counter | | `txmsgs` |
/// | `kafka_client_messages_received_total` | counter | | `rxmsgs` |
/// | `kafka_broker_rtt_seconds` | gauge | `broker`, `statistic` (`avg`, `p99`) | `rtt` |
/// | `kafka_broker_outbuf_requests` | gauge | `broker` | `outbuf_cnt` |
/// | `kafka_broker_waitresp_requests` | gauge | `broker` | `waitresp_cnt` |
/// | `kafka_partition_queued_messages` (producer) | gauge | `topic`, `partition` | `msgq_cnt` |
/// | `kafka_consumer_fetch_queue_messages` (consumer) | gauge | `topic`, `partition` | `fetchq_cnt` |
/// | `kafka_partition_high_watermark` | gauge | `topic`, `partition` | `hi_offset` |
/// | `kafka_consumer_committed_offset` | gauge | `topic`, `partition` | `committed_offset` |
/// | `kafka_consumer_lag` | gauge | `topic`, `partition` | `consumer_lag` |
///
/// Brokers are reported once their id is known (`broker` is the id); partition
/// metrics skip librdkafka's unassigned-partition queue (`-1`) and unknown (negative)
/// offsets and lags. Counters grow by the difference between two snapshots.
public final class KafkaStatisticsMetrics: Sendable {
    private let factory: any MetricsFactory
    /// The last total of every counter, to turn librdkafka's totals into increments.
    private let totals = Mutex<[String: Int64]>([:])

    /// A reporter writing to `factory` (by default, the bootstrapped `MetricsSystem`).
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    /// Reports one snapshot.
    public func report(_ statistics: KafkaStatistics) {
        let client = [("client_id", statistics.clientID), ("client", statistics.name), ("type", statistics.type)]
        self.gauge("kafka_client_messages_queued", client, statistics.messagesQueued)
        self.gauge("kafka_client_messages_queued_bytes", client, statistics.messageBytesQueued)
        self.counter("kafka_client_requests_sent_total", client, statistics.requestsSent)
        self.counter("kafka_client_responses_received_total", client, statistics.responsesReceived)
        self.counter("kafka_client_sent_bytes_total", client, statistics.bytesSent)
        self.counter("kafka_client_received_bytes_total", client, statistics.bytesReceived)
        self.counter("kafka_client_messages_sent_total", client, statistics.messagesSent)
        self.counter("kafka_client_messages_received_total", client, statistics.messagesReceived)
        for broker in statistics.brokers.values where broker.nodeID >= 0 {
            let dimensions = client + [("broker", String(broker.nodeID))]
            if let rtt = broker.roundTripTime, rtt.cnt > 0 {
                Gauge(label: "kafka_broker_rtt_seconds", dimensions: dimensions + [("statistic", "avg")], factory: self.factory)
                    .record(Double(rtt.avg) / 1_000_000)
                Gauge(label: "kafka_broker_rtt_seconds", dimensions: dimensions + [("statistic", "p99")], factory: self.factory)
                    .record(Double(rtt.p99) / 1_000_000)
            }
            self.gauge("kafka_broker_outbuf_requests", dimensions, broker.outputBufferRequests)
            self.gauge("kafka_broker_waitresp_requests", dimensions, broker.waitingResponses)
        }
        for topic in statistics.topics.values {
            for partition in topic.partitions.values where partition.partition >= 0 {
                let dimensions = client + [("topic", topic.name), ("partition", String(partition.partition))]
                if statistics.type == "producer" {
                    self.gauge("kafka_partition_queued_messages", dimensions, partition.messagesQueued)
                } else {
                    self.gauge("kafka_consumer_fetch_queue_messages", dimensions, partition.fetchQueueMessages)
                    self.gauge("kafka_consumer_committed_offset", dimensions, partition.committedOffset, skipNegative: true)
                    self.gauge("kafka_consumer_lag", dimensions, partition.consumerLag, skipNegative: true)
                }
                self.gauge("kafka_partition_high_watermark", dimensions, partition.highWatermark, skipNegative: true)
            }
        }
    }

    private func gauge(_ label: String, _ dimensions: [(String, String)], _ value: Int64, skipNegative: Bool = false) {
        guard !skipNegative || value >= 0 else { return }
        Gauge(label: label, dimensions: dimensions, factory: self.factory).record(value)
    }

    private func counter(_ label: String, _ dimensions: [(String, String)], _ total: Int64) {
        let key = "\(label)\(dimensions.map { "|\($0.0)=\($0.1)" }.joined())"
        let increment = self.totals.withLock { totals -> Int64 in
            defer { totals[key] = total }
            return total - (totals[key] ?? 0)
        }
        // A total that went down means librdkafka restarted counting: start again from it.
        guard increment > 0 else { return }
        Counter(label: label, dimensions: dimensions, factory: self.factory).increment(by: increment)
    }
}
