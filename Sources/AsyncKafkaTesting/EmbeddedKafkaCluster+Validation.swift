import AsyncKafka

/// Argument checks shared by the cluster's operations, so that no input reaches
/// librdkafka that its mock cluster would mishandle.
extension EmbeddedKafkaCluster {
    /// Throws unless `name` is a legal Kafka topic name (see `KafkaTopicName`).
    static func validateTopicName(_ name: String, operation: String) throws(EmbeddedKafkaError) {
        do {
            try KafkaTopicName.validate(name)
        } catch {
            throw .invalidArgument("\(operation): \(error.message)")
        }
    }

    /// Throws unless `partition` is a partition index the mock cluster can hold
    /// (`0..<maximumPartitionCount`), and returns it as librdkafka's type.
    static func validatePartition(_ partition: Int, operation: String) throws(EmbeddedKafkaError) -> Int32 {
        guard partition >= 0, partition < Self.maximumPartitionCount else {
            throw .invalidArgument(
                "\(operation): partition \(partition) is outside 0..<\(Self.maximumPartitionCount)"
            )
        }
        return Int32(partition)
    }

    /// Throws unless `id` is one of this cluster's brokers (`1...brokerCount`).
    func validateBrokerID(_ id: Int32, operation: String) throws(EmbeddedKafkaError) {
        guard id >= 1, Int(id) <= self.brokerCount else {
            throw .invalidArgument(
                "\(operation): there is no broker \(id); this cluster's brokers are 1...\(self.brokerCount)"
            )
        }
    }
}
