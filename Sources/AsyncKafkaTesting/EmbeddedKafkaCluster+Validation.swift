/// Argument checks shared by the cluster's operations, so that no input reaches
/// librdkafka that its mock cluster would mishandle.
extension EmbeddedKafkaCluster {
    /// The longest topic name Kafka accepts.
    static let maximumTopicNameLength = 249

    /// Throws unless `name` is a legal Kafka topic name: 1 to 249 characters from
    /// `[a-zA-Z0-9._-]`, and neither `.` nor `..`.
    static func validateTopicName(_ name: String, operation: String) throws(EmbeddedKafkaError) {
        let bytes = name.utf8
        guard !bytes.isEmpty else {
            throw .invalidArgument("\(operation): the topic name is empty")
        }
        guard bytes.count <= Self.maximumTopicNameLength else {
            throw .invalidArgument(
                "\(operation): the topic name is \(bytes.count) characters long;"
                    + " Kafka allows at most \(Self.maximumTopicNameLength)"
            )
        }
        guard name != ".", name != ".." else {
            throw .invalidArgument("\(operation): \"\(name)\" is not a legal topic name")
        }
        for byte in bytes where !Self.isLegalTopicByte(byte) {
            throw .invalidArgument(
                "\(operation): the topic name \"\(name)\" contains a character outside [a-zA-Z0-9._-]"
            )
        }
    }

    private static func isLegalTopicByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
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
