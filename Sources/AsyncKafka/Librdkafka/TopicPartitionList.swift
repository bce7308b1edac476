import CRdKafka

/// Owns an `rd_kafka_topic_partition_list_t` and converts it to and from Swift values.
final class TopicPartitionList {
    let pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    init(capacity: Int = 4) {
        self.pointer = rd_kafka_topic_partition_list_new(Int32(clamping: capacity))
    }

    convenience init(_ partitions: [KafkaTopicPartition]) {
        self.init(capacity: partitions.count)
        for partition in partitions {
            self.add(topic: partition.topic, partition: partition.partition, offset: partition.offset.rawValue)
        }
    }

    deinit {
        rd_kafka_topic_partition_list_destroy(self.pointer)
    }

    /// Adds (or updates) an entry.
    func add(topic: String, partition: Int, offset: Int64) {
        let entry = rd_kafka_topic_partition_list_add(self.pointer, topic, Int32(clamping: partition))!
        entry.pointee.offset = offset
    }

    /// The entries as Swift values.
    var partitions: [KafkaTopicPartition] {
        Self.partitions(of: self.pointer)
    }

    /// The elements of `partitions`, the values this list was made from (same order), that
    /// librdkafka reported no error for; no entry of the list is converted back.
    func withoutError(_ partitions: [KafkaTopicPartition]) -> [KafkaTopicPartition] {
        partitions.indices.filter { self.pointer.pointee.elems[$0].err == RD_KAFKA_RESP_ERR_NO_ERROR }.map { partitions[$0] }
    }

    /// The first per-partition error in the list, if any.
    func firstError(context: String) -> KafkaError? {
        Self.firstError(of: self.pointer, context: context)
    }

    static func partitions(of list: UnsafePointer<rd_kafka_topic_partition_list_t>) -> [KafkaTopicPartition] {
        let count = Int(list.pointee.cnt)
        return (0..<count).map { index in
            let element = list.pointee.elems[index]
            let offset: KafkaOffset =
                element.offset == -2
                ? .beginning
                : element.offset == -1
                    ? .end
                    : element.offset == -1000
                        ? .stored
                        : element.offset < 0
                            ? .unset
                            : .offset(element.offset)
            return KafkaTopicPartition(
                topic: String(cString: element.topic),
                partition: Int(element.partition),
                offset: offset
            )
        }
    }

    static func firstError(
        of list: UnsafePointer<rd_kafka_topic_partition_list_t>,
        context: String
    ) -> KafkaError? {
        for index in 0..<Int(list.pointee.cnt) {
            let element = list.pointee.elems[index]
            if element.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                let topic = String(cString: element.topic)
                return .rdKafka(element.err, context: "\(context) \(topic)[\(element.partition)]")
            }
        }
        return nil
    }
}
