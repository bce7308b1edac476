import CRdKafka

extension ConsumerEventLoop {
    /// Seeks and drops the partitions' buffered messages from before the seek. On the thread.
    func seek(_ partitions: [KafkaTopicPartition], resources: Resources, timeoutMilliseconds: Int32) throws(KafkaError) {
        let list = TopicPartitionList(partitions)
        if let error = rd_kafka_seek_partitions(resources.handle.pointer, list.pointer, timeoutMilliseconds) {
            throw KafkaError.consuming(error, context: "seek")
        }
        if let failure = list.firstError(context: "seek") { throw failure }
        let keys = partitions.map { PartitionKey(topic: $0.topic, partition: $0.partition) }
        self.partitionFilter.discard(keys, upToSerial: self.lastBatchSerial)
        for key in keys { self.consumedPositions[key] = nil }
    }

    /// The next offset the application reads per partition. On the thread.
    func positions(_ partitions: [KafkaTopicPartition], _ resources: Resources) throws(KafkaError) -> [KafkaTopicPartition] {
        let list = TopicPartitionList(partitions.map { KafkaTopicPartition(topic: $0.topic, partition: $0.partition) })
        let err = rd_kafka_position(resources.handle.pointer, list.pointer)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw .rdKafka(err, context: "position") }
        return list.partitions.map { fetched in
            let key = PartitionKey(topic: fetched.topic, partition: fetched.partition)
            guard let consumed = self.consumedPositions[key] else {
                // Nothing consumed yet: librdkafka's fetch position, if it has one, is where reading starts.
                return fetched
            }
            return KafkaTopicPartition(topic: fetched.topic, partition: fetched.partition, offset: .offset(consumed))
        }
    }
}

extension ConsumerEventLoop {
    /// What waits between librdkafka and the loop: batches in the stream, and messages in
    /// librdkafka's consumer queue. For tests and diagnostics.
    func bufferedCounts() async throws(KafkaError) -> (streamBatches: Int, librdkafkaMessages: Int) {
        try await self.perform { loop, resources in
            let free = loop.credits.load(ordering: .relaxed)
            return (loop.maxBufferedBatches - free, Int(rd_kafka_queue_length(resources.queue)))
        }
    }
}
