import AsyncKafka
import AsyncKafkaTesting
import Testing

/// The first snapshot of `stream` that satisfies `condition` (at most `limit` snapshots are read).
func firstStatistics(
    _ stream: AsyncStream<KafkaStatistics>,
    limit: Int = 100,
    where condition: (KafkaStatistics) -> Bool
) async -> KafkaStatistics? {
    var seen = 0
    for await statistics in stream {
        if condition(statistics) { return statistics }
        seen += 1
        if seen >= limit { return nil }
    }
    return nil
}

@Suite("librdkafka statistics")
struct StatisticsTests {
    @Test("a producer's statistics events from the embedded broker decode into non-zero values")
    func producerStatistics() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("stats-producer", partitions: 2)
        var configuration = cluster.producerConfiguration()
        configuration.clientID = "stats-test"
        configuration.statisticsInterval = .milliseconds(100)
        #expect(configuration.properties["statistics.interval.ms"] == "100")
        let producer = try KafkaProducer(configuration: configuration)
        let stream = producer.statistics
        for index in 0..<10 { try await producer.send(KafkaProducerMessage(topic: topic, partition: index % 2, value: "m\(index)")) }

        let snapshot = try #require(await firstStatistics(stream) { $0.messagesSent >= 10 })
        #expect(snapshot.type == "producer")
        #expect(snapshot.clientID == "stats-test")
        #expect(snapshot.name.hasPrefix("stats-test#producer-"))
        #expect(snapshot.requestsSent > 0 && snapshot.responsesReceived > 0 && snapshot.bytesSent > 0)
        #expect(snapshot.timestampMicroseconds > 0)
        let broker = try #require(snapshot.brokers.values.first { $0.nodeID == 1 })
        #expect(broker.state == "UP")
        #expect(broker.requestsSent > 0)
        let partitions = try #require(snapshot.topics[topic]?.partitions)
        #expect(Set(partitions.keys).isSuperset(of: [0, 1]))
        #expect(partitions[0]?.leader == 1)

        await producer.close()
        // Streams end with the producer, including those asked for afterwards.
        for await _ in stream {}
        for await _ in producer.statistics {}
    }

    @Test("a consumer's statistics report its partitions' high watermarks and the messages received")
    func consumerStatistics() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("stats-consumer", values: numberedValues(5))
        var configuration = cluster.consumerConfiguration()
        configuration.statisticsInterval = .milliseconds(100)
        let consumer = try KafkaConsumer(configuration: configuration)
        let stream = consumer.statistics
        try await consumer.assign([KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)])

        // Wait for the snapshot that shows all three: the first fetch response may carry the
        // high watermark with only some of the messages, and round-trip times are windowed per
        // statistics interval (a 100 ms window can end while the fetch still waits on the broker).
        // None within 100 snapshots fails the test.
        let snapshot = try #require(
            await firstStatistics(stream) { statistics in
                statistics.topics[topic]?.partitions[0]?.highWatermark == 5
                    && statistics.messagesReceived >= 5
                    && statistics.brokers.values.contains { $0.nodeID == 1 && ($0.roundTripTime?.cnt ?? 0) > 0 }
            }
        )
        #expect(snapshot.type == "consumer")
        await consumer.close()
        for await _ in consumer.statistics {}  // ends at once: the consumer is closed
    }

    @Test("statistics round-trip through Codable with librdkafka's field names")
    func codable() throws {
        let json = """
            {"name":"c#consumer-1","client_id":"c","type":"consumer","ts":12,"msg_cnt":1,"msg_size":2,"tx":3,
            "tx_bytes":4,"rx":5,"rx_bytes":6,"txmsgs":7,"rxmsgs":8,"extra":true,
            "brokers":{"b/1":{"name":"b/1","nodeid":1,"state":"UP","outbuf_cnt":0,"waitresp_cnt":1,"tx":2,"rx":3,
            "rtt":{"min":1,"max":9,"avg":5,"p99":9,"cnt":4}}},
            "topics":{"t":{"topic":"t","partitions":{"0":{"partition":0,"leader":1,"msgq_cnt":0,"fetchq_cnt":2,
            "lo_offset":0,"hi_offset":10,"committed_offset":4,"consumer_lag":6},"-1":{"partition":-1,"leader":-1,
            "msgq_cnt":0,"fetchq_cnt":0,"lo_offset":-1,"hi_offset":-1,"committed_offset":-1001,"consumer_lag":-1}}}}}
            """
        let statistics = try KafkaStatistics(json: Array(json.utf8))
        #expect(statistics.topics["t"]?.partitions[0]?.consumerLag == 6)
        #expect(statistics.topics["t"]?.partitions[-1]?.highWatermark == -1)
        #expect(statistics.brokers["b/1"]?.roundTripTime?.p99 == 9)
        #expect(statistics.messagesReceived == 8)
    }
}
