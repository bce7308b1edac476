import Metrics

extension KafkaConsumer {
    /// The consumer's statistics snapshots, from now on, one every
    /// ``KafkaClientConfiguration/statisticsInterval``.
    ///
    /// Each access gives a new stream (the newest 16 snapshots are kept for a slow
    /// reader); it ends when the consumer closes. Without a statistics interval it yields
    /// nothing. Snapshots are taken while the consumer serves librdkafka, that is while
    /// its message stream has room.
    public nonisolated var statistics: AsyncStream<KafkaStatistics> {
        self.engine.core.bridge.statistics.subscribe()
    }

    /// Reports every statistics snapshot as swift-metrics metrics (see ``KafkaStatisticsMetrics``)
    /// until the consumer closes. Needs a ``KafkaClientConfiguration/statisticsInterval``.
    public nonisolated func reportMetrics(to metrics: KafkaStatisticsMetrics = KafkaStatisticsMetrics()) {
        self.engine.core.bridge.statistics.addReporter { metrics.report($0) }
    }
}

extension KafkaProducer {
    /// The producer's statistics snapshots, from now on, one every
    /// ``KafkaClientConfiguration/statisticsInterval``.
    ///
    /// Each access gives a new stream (the newest 16 snapshots are kept for a slow
    /// reader); it ends when the producer closes. Without a statistics interval it yields nothing.
    public var statistics: AsyncStream<KafkaStatistics> {
        self.engine.core.bridge.statistics.subscribe()
    }

    /// Reports every statistics snapshot as swift-metrics metrics (see ``KafkaStatisticsMetrics``)
    /// until the producer closes. Needs a ``KafkaClientConfiguration/statisticsInterval``.
    public func reportMetrics(to metrics: KafkaStatisticsMetrics = KafkaStatisticsMetrics()) {
        self.engine.core.bridge.statistics.addReporter { metrics.report($0) }
    }
}
