import CRdKafka

extension KafkaConsumer {
    /// The partitions currently assigned to this consumer (by ``assign(_:)`` or by the group).
    public func assignment() async throws(KafkaError) -> [KafkaTopicPartition] {
        try await self.engine.run { engine, resources throws(KafkaError) in
            try engine.assignedPartitions(resources)
        }
    }

    /// Stops reading every assigned partition (the counterpart of ``assign(_:)``).
    public func unassign() async throws(KafkaError) {
        try await self.engine.run { engine, resources throws(KafkaError) in
            engine.storeConsumedOffsets(resources)
            let err = rd_kafka_assign(resources.handle.pointer, nil)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw .rdKafka(err, context: "unassign") }
        }
    }

    /// Continues reading each partition from its given offset: an absolute offset,
    /// `.beginning` or `.end`.
    ///
    /// Messages of those partitions that were already waiting in the stream are
    /// dropped, so the loop's next message from each is the one sought.
    /// - Throws: ``KafkaError/Code/partitionNotAssigned`` (or another per-partition error)
    ///   for a partition this consumer does not read; ``KafkaError/Code/invalidArgument``
    ///   for `.stored` or a negative offset.
    public func seek(_ partitions: [KafkaTopicPartition], timeout: Duration = .seconds(10)) async throws(KafkaError) {
        for partition in partitions where !(partition.offset.isAbsolute || partition.offset == .beginning || partition.offset == .end) {
            throw KafkaError(code: .invalidArgument, message: "cannot seek \(partition): use an offset, .beginning or .end")
        }
        let milliseconds = Int32(clamping: timeout.wholeMilliseconds)
        try await self.engine.run { engine, resources throws(KafkaError) in
            try engine.seek(partitions, resources: resources, timeoutMilliseconds: milliseconds)
        }
    }

    /// Continues reading each of `partitions` from the first message whose timestamp is at or after `timestamp`
    /// (or from the end, when there is none).
    ///
    /// "The end" is the partition's end when the call starts: a message produced after that
    /// is read, never skipped. (Seeking to librdkafka's logical end instead resolves it only
    /// when fetching resumes, past whatever was produced in between.)
    public func seek(
        _ partitions: [KafkaTopicPartition],
        toTimestamp timestamp: KafkaTimestamp,
        timeout: Duration = .seconds(10)
    ) async throws(KafkaError) {
        // Read before the lookup, so that nothing produced after it can fall between the two.
        var ends: [Int64] = []
        for partition in partitions {
            ends.append(try await self.watermarks(topic: partition.topic, partition: partition.partition, timeout: timeout).high)
        }
        let found = try await self.offsets(for: timestamp, in: partitions, timeout: timeout)
        let targets = zip(partitions, ends).map { partition, end in
            let offset = found.first { $0.topic == partition.topic && $0.partition == partition.partition }?.offset ?? .end
            return KafkaTopicPartition(
                topic: partition.topic, partition: partition.partition, offset: offset == .end ? .offset(end) : offset)
        }
        try await self.seek(targets, timeout: timeout)
    }

    /// The offset of the first message at or after `timestamp` in each partition (`.end` when there is none).
    public func offsets(
        for timestamp: KafkaTimestamp,
        in partitions: [KafkaTopicPartition],
        timeout: Duration = .seconds(10)
    ) async throws(KafkaError) -> [KafkaTopicPartition] {
        let milliseconds = Int32(clamping: timeout.wholeMilliseconds)
        return try await self.engine.runBlockingCall { rk throws(KafkaError) in
            let list = TopicPartitionList(capacity: partitions.count)
            for partition in partitions {
                list.add(topic: partition.topic, partition: partition.partition, offset: timestamp.millisecondsSince1970)
            }
            let err = rd_kafka_offsets_for_times(rk, list.pointer, milliseconds)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw .rdKafka(err, context: "offsets for times") }
            if let failure = list.firstError(context: "offsets for times of") { throw failure }
            return list.partitions
        }
    }

    /// Stops fetching `partitions` until ``resume(_:)``.
    ///
    /// Messages already waiting in the stream (at most
    /// ``KafkaConsumerConfiguration/maxBufferedBatches`` batches) are still handed out.
    public func pause(_ partitions: [KafkaTopicPartition]) async throws(KafkaError) {
        try await self.engine.run { _, resources throws(KafkaError) in
            let list = TopicPartitionList(partitions.map { KafkaTopicPartition(topic: $0.topic, partition: $0.partition) })
            let err = rd_kafka_pause_partitions(resources.handle.pointer, list.pointer)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw .rdKafka(err, context: "pause") }
            if let failure = list.firstError(context: "pause") { throw failure }
        }
    }

    /// Fetches `partitions` again after ``pause(_:)``.
    public func resume(_ partitions: [KafkaTopicPartition]) async throws(KafkaError) {
        try await self.engine.run { _, resources throws(KafkaError) in
            let list = TopicPartitionList(partitions.map { KafkaTopicPartition(topic: $0.topic, partition: $0.partition) })
            let err = rd_kafka_resume_partitions(resources.handle.pointer, list.pointer)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw .rdKafka(err, context: "resume") }
            if let failure = list.firstError(context: "resume") { throw failure }
        }
    }

    /// The group's committed offsets for `partitions`, asked of the broker (`.unset` where none is committed).
    ///
    /// librdkafka 2.0.2 can time out here when it is called before the consumer has found
    /// its group coordinator (right after it was created); later calls are not affected.
    public func committed(
        _ partitions: [KafkaTopicPartition],
        timeout: Duration = .seconds(10)
    ) async throws(KafkaError) -> [KafkaTopicPartition] {
        let milliseconds = Int32(clamping: timeout.wholeMilliseconds)
        return try await self.engine.runBlockingCall { rk throws(KafkaError) in
            let list = TopicPartitionList(partitions.map { KafkaTopicPartition(topic: $0.topic, partition: $0.partition) })
            // librdkafka 2.0.2 waits for a broker state change when the group coordinator is not
            // known yet, and may miss the moment it becomes known: ask in short rounds instead.
            let clock = ContinuousClock()
            let deadline = clock.now + .milliseconds(Int64(milliseconds))
            var err = RD_KAFKA_RESP_ERR__TIMED_OUT
            repeat {
                let round = min(Int32(500), max(Int32(1), Int32(clamping: (deadline - clock.now).wholeMilliseconds)))
                err = rd_kafka_committed(rk, list.pointer, round)
            } while err == RD_KAFKA_RESP_ERR__TIMED_OUT && clock.now < deadline
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw .rdKafka(err, context: "committed offsets") }
            if let failure = list.firstError(context: "committed offset of") { throw failure }
            return list.partitions
        }
    }

    /// The next offset the loop will read per partition: after the last message it consumed,
    /// or librdkafka's fetch position before it consumed any (`.unset` when unknown).
    public func position(_ partitions: [KafkaTopicPartition]) async throws(KafkaError) -> [KafkaTopicPartition] {
        try await self.engine.run { engine, resources throws(KafkaError) in
            engine.storeConsumedOffsets(resources)
            return try engine.positions(partitions, resources)
        }
    }

    /// The low (oldest) and high (next to be written) offsets of a partition, asked of its leader.
    public func watermarks(
        topic: String,
        partition: Int,
        timeout: Duration = .seconds(10)
    ) async throws(KafkaError) -> KafkaWatermarks {
        let milliseconds = Int32(clamping: timeout.wholeMilliseconds)
        return try await self.engine.runBlockingCall { rk throws(KafkaError) in
            var low: Int64 = -1
            var high: Int64 = -1
            let err = rd_kafka_query_watermark_offsets(
                rk, topic, Int32(clamping: partition), &low, &high, milliseconds
            )
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw .rdKafka(err, context: "watermarks of \(topic)[\(partition)]") }
            return KafkaWatermarks(low: low, high: high)
        }
    }

    /// For every assigned partition: how many messages the loop has still to read.
    ///
    /// Lag is the partition's high watermark (asked of the broker) minus ``position(_:)``;
    /// it counts messages buffered in the stream as not yet read.
    public func lag(timeout: Duration = .seconds(10)) async throws(KafkaError) -> [KafkaPartitionLag] {
        var result: [KafkaPartitionLag] = []
        let assigned = try await self.assignment()
        let positions = try await self.position(assigned)
        for position in positions {
            let marks = try await self.watermarks(topic: position.topic, partition: position.partition, timeout: timeout)
            let next: Int64? = position.offset.isAbsolute ? position.offset.rawValue : nil
            result.append(
                KafkaPartitionLag(
                    topic: position.topic,
                    partition: position.partition,
                    position: next,
                    highWatermark: marks.high,
                    lag: next.map { max(0, marks.high - $0) }
                )
            )
        }
        return result
    }
}
