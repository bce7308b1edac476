import AsyncKafka
import AsyncKafkaTesting
import MetricsTestKit
import Testing

@Suite("swift-metrics reporting")
struct MetricsTests {
    @Test("a consumer's real statistics reach the metrics backend with stable names and dimensions")
    func consumerMetrics() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("metrics", values: numberedValues(5))
        var configuration = cluster.consumerConfiguration()
        configuration.clientID = "metrics-test"
        configuration.statisticsInterval = .milliseconds(100)
        configuration.properties["sasl.password"] = "CANARY-secret"
        let metrics = TestMetrics()
        let consumer = try KafkaConsumer(configuration: configuration)
        consumer.reportMetrics(to: KafkaStatisticsMetrics(factory: metrics))
        let stream = consumer.statistics
        try await consumer.assign([KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)])
        // Reporters run before streams see a snapshot: once the stream has it, so has the backend.
        // Wait for the snapshot that counts the five messages fetched, not only the watermark.
        let snapshot = try #require(
            await firstStatistics(stream) {
                $0.topics[topic]?.partitions[0]?.highWatermark == 5 && $0.messagesReceived >= 5
            })
        await consumer.close()

        let client = [("client_id", "metrics-test"), ("client", snapshot.name), ("type", "consumer")]
        let partition = client + [("topic", topic), ("partition", "0")]
        #expect(try metrics.expectGauge("kafka_partition_high_watermark", partition).lastValue == 5)
        #expect(try metrics.expectGauge("kafka_consumer_fetch_queue_messages", partition).lastValue != nil)
        #expect(try metrics.expectGauge("kafka_client_messages_queued", client).lastValue != nil)
        #expect(metrics.counterTotal(label: "kafka_client_requests_sent_total", dimensions: client) > 0)
        #expect(metrics.counterTotal(label: "kafka_client_messages_received_total", dimensions: client) >= 5)
        let rtt = try metrics.expectGauge("kafka_broker_rtt_seconds", client + [("broker", "1"), ("statistic", "avg")])
        #expect((rtt.lastValue ?? 0) > 0)
        // No configuration value but client.id becomes a dimension.
        let dimensionValues =
            metrics.counters.flatMap { $0.dimensions.map(\.1) }
            + metrics.recorders.flatMap { $0.dimensions.map(\.1) }
        #expect(!dimensionValues.contains { $0.contains("CANARY") })
    }

    @Test("counters grow by the difference between snapshots")
    func countersFromTotals() throws {
        let metrics = TestMetrics()
        let reporter = KafkaStatisticsMetrics(factory: metrics)
        func snapshot(requests: Int64) throws -> KafkaStatistics {
            try KafkaStatistics(
                json: Array(
                    """
                    {"name":"p#producer-1","client_id":"p","type":"producer","ts":1,"msg_cnt":0,"msg_size":0,"tx":\(requests),
                    "tx_bytes":0,"rx":0,"rx_bytes":0,"txmsgs":0,"rxmsgs":0,"brokers":{},"topics":{}}
                    """.utf8))
        }
        reporter.report(try snapshot(requests: 3))
        reporter.report(try snapshot(requests: 10))
        let client = [("client_id", "p"), ("client", "p#producer-1"), ("type", "producer")]
        #expect(metrics.counterTotal(label: "kafka_client_requests_sent_total", dimensions: client) == 10)
    }
}
