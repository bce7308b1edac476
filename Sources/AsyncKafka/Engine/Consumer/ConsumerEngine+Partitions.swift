import CRdKafka

extension ConsumerEngine {
    /// The partitions assigned to this consumer, by ``KafkaConsumer/assign(_:)`` or by the group. On the thread.
    func assignedPartitions(_ resources: Resources) throws(KafkaError) -> [KafkaTopicPartition] {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        let err = rd_kafka_assignment(resources.handle.pointer, &list)
        defer { if let list { rd_kafka_topic_partition_list_destroy(list) } }
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw .rdKafka(err, context: "assignment") }
        return list.map { TopicPartitionList.partitions(of: $0).map { KafkaTopicPartition(topic: $0.topic, partition: $0.partition) } }
            ?? []
    }

    /// Seeks and drops the partitions' buffered messages from before the seek. On the thread.
    ///
    /// A partition that is not assigned is refused before librdkafka sees it: librdkafka would
    /// add it as a "desired" partition and answer only when a broker thread serves it, which
    /// under load can take longer than the caller's timeout.
    func seek(_ partitions: [KafkaTopicPartition], resources: Resources, timeoutMilliseconds: Int32) throws(KafkaError) {
        let assigned = Set(try self.assignedPartitions(resources).map { PartitionKey(topic: $0.topic, partition: $0.partition) })
        if let stranger = partitions.first(where: { !assigned.contains(PartitionKey(topic: $0.topic, partition: $0.partition)) }) {
            throw KafkaError(
                code: .partitionNotAssigned,
                message: "cannot seek \(stranger.topic)[\(stranger.partition)]: not assigned to this consumer"
            )
        }
        let list = TopicPartitionList(partitions)
        if let error = rd_kafka_seek_partitions(resources.handle.pointer, list.pointer, timeoutMilliseconds) {
            throw KafkaError.consuming(error, context: "seek")
        }
        if let failure = list.firstError(context: "seek") { throw failure }
        let keys = partitions.map { PartitionKey(topic: $0.topic, partition: $0.partition) }
        self.partitionFilter.discard(keys, upToSerial: self.confined.lastBatchSerial)
        for key in keys { self.confined.consumedPositions[key] = nil }
        self.offsetStore.repositioned(partitions)
    }

    /// The next offset the application reads per partition. On the thread.
    func positions(_ partitions: [KafkaTopicPartition], _ resources: Resources) throws(KafkaError) -> [KafkaTopicPartition] {
        let list = TopicPartitionList(partitions.map { KafkaTopicPartition(topic: $0.topic, partition: $0.partition) })
        let err = rd_kafka_position(resources.handle.pointer, list.pointer)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw .rdKafka(err, context: "position") }
        return list.partitions.map { fetched in
            let key = PartitionKey(topic: fetched.topic, partition: fetched.partition)
            guard let consumed = self.confined.consumedPositions[key] else {
                // Nothing consumed yet: librdkafka's fetch position, if it has one, is where reading starts.
                return fetched
            }
            return KafkaTopicPartition(topic: fetched.topic, partition: fetched.partition, offset: .offset(consumed))
        }
    }
}
