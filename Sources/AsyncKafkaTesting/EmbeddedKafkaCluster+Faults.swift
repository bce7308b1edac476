import CRdKafka

/// Request, topic and partition faults: failing requests, moving leaders and
/// coordinators, restricting protocol versions.
extension EmbeddedKafkaCluster {
    /// Makes the next `errors.count` requests of type `api`, to any broker,
    /// fail with `errors`, in order: the first matching request gets
    /// `errors[0]`, the next `errors[1]`, and so on. Each error is used once.
    ///
    /// ``InjectedError/transport`` closes the client's connection when that
    /// request arrives; ``InjectedError/noError`` lets one request through.
    /// Pushing again appends to the errors still pending.
    ///
    /// ```swift
    /// // The next two produce requests fail; the producer retries and succeeds.
    /// try cluster.pushRequestErrors(.produce, [.notLeaderForPartition, .requestTimedOut])
    /// ```
    ///
    /// - Throws: ``EmbeddedKafkaError/Code/clusterStopped`` after ``stop()``.
    public func pushRequestErrors(_ api: KafkaAPI, _ errors: [InjectedError]) throws(EmbeddedKafkaError) {
        let operation = "pushRequestErrors(\(api), \(errors))"
        let codes = errors.map(\.librdkafkaValue)
        try self.withMockCluster(operation) { cluster in
            guard !codes.isEmpty else { return }
            codes.withUnsafeBufferPointer { buffer in
                rd_kafka_mock_push_request_errors_array(cluster, api.rawValue, buffer.count, buffer.baseAddress)
            }
        }
    }

    /// Drops the errors still pending from ``pushRequestErrors(_:_:)`` for `api`.
    ///
    /// - Throws: ``EmbeddedKafkaError/Code/clusterStopped`` after ``stop()``.
    public func clearRequestErrors(_ api: KafkaAPI) throws(EmbeddedKafkaError) {
        try self.withMockCluster("clearRequestErrors(\(api))") { cluster in
            rd_kafka_mock_clear_request_errors(cluster, api.rawValue)
        }
    }

    /// Makes `broker` the leader of `partition` of `topic`, or leaves the
    /// partition without a leader when `broker` is `nil`.
    ///
    /// Clients learn of the change from their next Metadata request; requests
    /// that reach a broker that no longer leads the partition are refused,
    /// which makes librdkafka refresh its metadata. A leaderless partition is
    /// reported in Metadata with leader `-1` (and, in 2.0.2, no error code);
    /// messages produced to it wait in the client until it has a leader again
    /// or `message.timeout.ms` expires. The leader epoch is bumped each time.
    ///
    /// If the topic does not exist it is created with `partition + 1` partitions.
    ///
    /// - Throws: ``EmbeddedKafkaError/Code/invalidArgument`` for an illegal topic
    ///   name, a partition outside `0..<maximumPartitionCount` or an unknown
    ///   broker; ``EmbeddedKafkaError/Code/librdkafka`` with `UNKNOWN_TOPIC_OR_PART`
    ///   when the topic has fewer partitions; ``EmbeddedKafkaError/Code/clusterStopped`` after ``stop()``.
    public func setPartitionLeader(topic: String, partition: Int, broker: Int32?) throws(EmbeddedKafkaError) {
        let operation = "setPartitionLeader(topic: \"\(topic)\", partition: \(partition), broker: \(Self.text(broker)))"
        try Self.validateTopicName(topic, operation: operation)
        let partitionID = try Self.validatePartition(partition, operation: operation)
        if let broker { try self.validateBrokerID(broker, operation: operation) }
        try self.perform(operation) { cluster in
            rd_kafka_mock_partition_set_leader(cluster, topic, partitionID, broker ?? -1)
        }
    }

    /// Makes `broker` the preferred read replica (follower) of `partition` of
    /// `topic` (KIP-392), or removes it when `broker` is `nil`.
    ///
    /// Fetch responses from the leader then name `broker` as the replica to
    /// fetch from, and consumers move their fetches there. `broker` need not
    /// exist, to test a preferred replica that cannot be reached. Created like
    /// in ``setPartitionLeader(topic:partition:broker:)`` if the topic does not exist.
    ///
    /// - Throws: as ``setPartitionLeader(topic:partition:broker:)``, except that any broker id is accepted.
    public func setPartitionFollower(topic: String, partition: Int, broker: Int32?) throws(EmbeddedKafkaError) {
        let operation = "setPartitionFollower(topic: \"\(topic)\", partition: \(partition), broker: \(Self.text(broker)))"
        try Self.validateTopicName(topic, operation: operation)
        let partitionID = try Self.validatePartition(partition, operation: operation)
        try self.perform(operation) { cluster in
            rd_kafka_mock_partition_set_follower(cluster, topic, partitionID, broker ?? -1)
        }
    }

    /// Sets the low and high watermarks that the follower of `partition`
    /// reports, to simulate a replica that lags behind (or runs ahead of) the
    /// leader; `nil` makes a watermark track the leader's again.
    ///
    /// Fetches from the follower outside its watermarks fail with
    /// `OFFSET_OUT_OF_RANGE`. Created like in ``setPartitionLeader(topic:partition:broker:)``
    /// if the topic does not exist.
    ///
    /// - Throws: as ``setPartitionLeader(topic:partition:broker:)``, and
    ///   ``EmbeddedKafkaError/Code/invalidArgument`` for a negative watermark.
    public func setPartitionFollowerWatermarks(
        topic: String,
        partition: Int,
        low: Int64?,
        high: Int64?
    ) throws(EmbeddedKafkaError) {
        let operation =
            "setPartitionFollowerWatermarks(topic: \"\(topic)\", partition: \(partition),"
            + " low: \(Self.text(low)), high: \(Self.text(high)))"
        try Self.validateTopicName(topic, operation: operation)
        let partitionID = try Self.validatePartition(partition, operation: operation)
        guard (low ?? 0) >= 0, (high ?? 0) >= 0 else {
            throw .invalidArgument("\(operation): watermarks must not be negative")
        }
        try self.perform(operation) { cluster in
            rd_kafka_mock_partition_set_follower_wmarks(cluster, topic, partitionID, low ?? -1, high ?? -1)
        }
    }

    /// Makes `broker` the coordinator for a consumer group or a transactional
    /// id, instead of the one picked by hashing `key`.
    ///
    /// FindCoordinator answers with `broker` from now on; clients that already
    /// know a coordinator move only when it answers `NOT_COORDINATOR` (see
    /// ``pushRequestErrors(_:_:)``) or their connection to it drops. `broker`
    /// need not exist, to test a coordinator that cannot be reached.
    ///
    /// - Throws: ``EmbeddedKafkaError/Code/invalidArgument`` for an empty key,
    ///   ``EmbeddedKafkaError/Code/clusterStopped`` after ``stop()``.
    public func setCoordinator(_ kind: CoordinatorKind, key: String, broker: Int32) throws(EmbeddedKafkaError) {
        let operation = "setCoordinator(.\(kind), key: \"\(key)\", broker: \(broker))"
        guard !key.isEmpty else {
            throw .invalidArgument("\(operation): the key is empty")
        }
        try self.perform(operation) { cluster in
            rd_kafka_mock_coordinator_set(cluster, kind.keyType, key, broker)
        }
    }

    /// Makes the cluster report `error` for `topic`; ``InjectedError/noError`` clears it.
    ///
    /// librdkafka 2.0.2 uses the topic error in Metadata and AddPartitionsToTxn
    /// responses only: produce and fetch requests are unaffected. The topic is
    /// created with 4 partitions if it does not exist.
    ///
    /// - Throws: ``EmbeddedKafkaError/Code/invalidArgument`` for an illegal topic
    ///   name, ``EmbeddedKafkaError/Code/clusterStopped`` after ``stop()``.
    public func setTopicError(_ topic: String, _ error: InjectedError) throws(EmbeddedKafkaError) {
        let operation = "setTopicError(\"\(topic)\", \(error))"
        try Self.validateTopicName(topic, operation: operation)
        try self.withMockCluster(operation) { cluster in
            rd_kafka_mock_topic_set_error(cluster, topic, error.librdkafkaValue)
        }
    }

    /// Restricts the protocol versions the brokers advertise for `api` in
    /// ApiVersions responses, or stops advertising it when `versions` is `nil`.
    ///
    /// Use it to test a client against an older broker; a client only notices
    /// on its next connection. Keep the range within what the mock implements
    /// for `api`: it cannot add versions, yet librdkafka 2.0.2 does not check
    /// the upper bound and advertises whatever it is given.
    ///
    /// - Throws: ``EmbeddedKafkaError/Code/invalidArgument`` for a negative
    ///   version, ``EmbeddedKafkaError/Code/librdkafka`` with `_INVALID_ARG` for
    ///   an ApiKey librdkafka does not know, ``EmbeddedKafkaError/Code/clusterStopped`` after ``stop()``.
    public func setAPIVersionRange(_ api: KafkaAPI, _ versions: ClosedRange<Int16>?) throws(EmbeddedKafkaError) {
        let operation = "setAPIVersionRange(\(api), \(versions.map { "\($0)" } ?? "nil"))"
        if let versions, versions.lowerBound < 0 {
            throw .invalidArgument("\(operation): versions must not be negative")
        }
        try self.perform(operation) { cluster in
            rd_kafka_mock_set_apiversion(
                cluster,
                api.rawValue,
                versions?.lowerBound ?? -1,
                versions?.upperBound ?? -1
            )
        }
    }

    private static func text<Value>(_ value: Value?) -> String {
        value.map { "\($0)" } ?? "nil"
    }
}
