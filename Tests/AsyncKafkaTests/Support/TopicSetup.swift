import AsyncKafka
import AsyncKafkaTesting

extension EmbeddedKafkaCluster {
    /// A new topic named after `prefix` with `partitions` partitions; `values`, if any, are sent to
    /// its partition 0 (by a producer closed before this returns).
    func makeTopic(_ prefix: String, partitions: Int = 1, values: [String] = []) async throws -> String {
        let topic = Unique.name(prefix)
        try self.createTopic(topic, partitions: partitions)
        if !values.isEmpty { _ = try await self.produce(values, to: topic) }
        return topic
    }

    /// A new embedded cluster and a ``makeTopic(_:partitions:values:)`` on it: the setup most tests start with.
    static func withTopic(_ prefix: String, partitions: Int = 1, values: [String] = []) async throws -> (EmbeddedKafkaCluster, String) {
        let cluster = try EmbeddedKafkaCluster()
        return (cluster, try await cluster.makeTopic(prefix, partitions: partitions, values: values))
    }
}

/// The values `m0`, `m1`, … of `count` test messages.
func numberedValues(_ count: Int) -> [String] {
    (0..<count).map { "m\($0)" }
}
