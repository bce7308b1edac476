import CRdKafka
import Logging

/// A Kafka consumer: subscribe to topics (or assign partitions), then read
/// ``messages`` with `for try await`.
///
/// ```swift
/// let consumer = try KafkaConsumer(configuration: .init(
///     bootstrapServers: "localhost:29092", groupID: "myGroup", autoOffsetReset: .earliest))
/// try await consumer.subscribe(to: ["myTopic"])
/// for try await message in consumer.messages {
///     print("\(message.topic)[\(message.partition)] \(message.valueString ?? "")")
/// }
/// ```
///
/// The consumer owns one librdkafka consumer handle and a dedicated thread
/// that serves its queues; no blocking librdkafka call runs on Swift's
/// cooperative thread pool. Ending the iteration of ``messages``, however it
/// ends, closes the consumer; ``close()`` does the same and waits for it. What
/// is committed then: <doc:ConsumingMessages#End-the-loop-close-the-consumer>.
public actor KafkaConsumer {
    let engine: ConsumerEngine
    private let groupID: String?

    /// The consumed messages. Iterate them once; see ``KafkaConsumerMessages``.
    public nonisolated let messages: KafkaConsumerMessages

    /// Creates a consumer. Nothing is read until you ``subscribe(to:)`` or ``assign(_:)``.
    ///
    /// Without a ``KafkaConsumerConfiguration/groupID`` the consumer can read assigned
    /// partitions but not subscribe or commit.
    /// - Throws: ``KafkaError`` with ``KafkaError/Code/invalidConfiguration`` naming the key
    ///   when librdkafka rejects a property, or ``KafkaError/Code/unsupportedLibraryVersion``.
    public init(
        configuration: KafkaConsumerConfiguration,
        logger: Logger = Logger(label: "AsyncKafka.KafkaConsumer")
    ) throws(KafkaError) {
        self.engine = try ConsumerEngine(configuration: configuration, logger: logger)
        self.groupID = configuration.groupID
        self.messages = KafkaConsumerMessages(engine: self.engine)
    }

    deinit {
        self.engine.ownerReleased()
    }

    /// The group's changes to this consumer's partitions, from now on, for observers.
    ///
    /// Each access gives a new stream; it ends when the consumer closes. To act
    /// *before* partitions are given up (commit, flush state), use
    /// ``setRebalanceHandler(_:)`` instead: observers are not waited for.
    public nonisolated var rebalanceEvents: AsyncStream<KafkaRebalanceEvent> {
        self.engine.rebalances.subscribe()
    }

    /// Errors that do not end the message loop, from now on: a broker that cannot be reached,
    /// a subscribed topic that does not exist, a failed authentication… librdkafka retries
    /// them by itself; each carries its ``KafkaError/librdkafkaCode``.
    ///
    /// Each access gives a new stream; it ends when the consumer closes. A slow reader keeps
    /// the newest 64. Which errors end the loop instead, and how to make a missing topic or
    /// unreachable brokers end it: <doc:ConsumingMessages#Errors>.
    public nonisolated var errors: AsyncStream<KafkaError> {
        self.engine.errors.subscribe()
    }

    /// Sets the function that runs on every rebalance: after partitions are
    /// assigned, and *before* revoked (or lost) partitions are given up —
    /// librdkafka waits until it returns, so it can commit what was processed
    /// (``commit()`` works inside it) or clean up per-partition state.
    ///
    /// Messages of revoked partitions that were still buffered are not handed
    /// out after the revocation starts. Set the handler before
    /// ``subscribe(to:)``. Works with the eager and the cooperative-sticky
    /// (`partition.assignment.strategy=cooperative-sticky`) protocols.
    public func setRebalanceHandler(_ handler: @escaping KafkaRebalanceHandler) {
        self.engine.rebalanceHandler.withLock { $0 = handler }
    }

    /// Joins the consumer group and subscribes to `topics`; partitions are
    /// assigned by the group's rebalance protocol.
    ///
    /// A topic name starting with `^` is a regular expression.
    /// - Throws: ``KafkaError`` when no `group.id` is configured, a topic name is empty,
    ///   or the consumer is closed.
    public func subscribe(to topics: [String]) async throws(KafkaError) {
        guard self.groupID != nil else {
            throw KafkaError(
                code: .invalidConfiguration,
                message: "subscribe needs a consumer group: set groupID (group.id), or use assign",
                configurationKey: "group.id"
            )
        }
        guard !topics.isEmpty, topics.allSatisfy({ !$0.isEmpty }) else {
            throw KafkaError(code: .invalidArgument, message: "subscribe needs at least one non-empty topic name")
        }
        // A name starting with `^` is a regular expression, not a topic name.
        for topic in topics where !topic.hasPrefix("^") { try KafkaTopicName.validate(topic) }
        try await self.engine.run { _, resources throws(KafkaError) in
            let list = TopicPartitionList(capacity: topics.count)
            for topic in topics { list.add(topic: topic, partition: -1, offset: KafkaOffset.stored.rawValue) }
            let err = rd_kafka_subscribe(resources.handle.pointer, list.pointer)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw .rdKafka(err, context: "subscribe to \(topics)") }
        }
    }

    /// Leaves the subscription: the group revokes this consumer's partitions (the rebalance
    /// handler runs, and with auto-commit on the consumed offsets are committed), and the
    /// message loop waits until the consumer subscribes or is assigned partitions again.
    ///
    /// The consumer stays open; ``close()`` also leaves the group.
    public func unsubscribe() async throws(KafkaError) {
        try await self.engine.run { _, resources throws(KafkaError) in
            let err = rd_kafka_unsubscribe(resources.handle.pointer)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw .rdKafka(err, context: "unsubscribe") }
        }
    }

    /// The topics (and `^` patterns) this consumer is subscribed to; empty when it is not subscribed.
    public func subscription() async throws(KafkaError) -> [String] {
        try await self.engine.run { _, resources throws(KafkaError) in
            var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
            let err = rd_kafka_subscription(resources.handle.pointer, &list)
            defer { if let list { rd_kafka_topic_partition_list_destroy(list) } }
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw .rdKafka(err, context: "subscription") }
            return list.map { TopicPartitionList.partitions(of: $0).map(\.topic) } ?? []
        }
    }

    /// Reads exactly `partitions`, from the offset given for each, without a consumer group rebalance.
    ///
    /// Replaces any previous assignment. `.stored` starts from the group's
    /// committed offset (falling back to `auto.offset.reset`).
    public func assign(_ partitions: [KafkaTopicPartition]) async throws(KafkaError) {
        for partition in partitions {
            guard !partition.topic.isEmpty, partition.partition >= 0, partition.partition <= Int(Int32.max) else {
                throw KafkaError(code: .invalidArgument, message: "cannot assign \(partition)")
            }
            try KafkaTopicName.validate(partition.topic)
            guard partition.offset.isAbsolute || [.beginning, .end, .stored].contains(partition.offset) else {
                throw KafkaError(code: .invalidArgument, message: "invalid start offset for \(partition)")
            }
        }
        try await self.engine.run { engine, resources throws(KafkaError) in
            engine.offsetStore.forget(partitions)
            let list = TopicPartitionList(partitions)
            let err = rd_kafka_assign(resources.handle.pointer, list.pointer)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw .rdKafka(err, context: "assign") }
        }
    }

    /// Commits the offsets of every message the loop has consumed so far and waits for the broker's answer.
    ///
    /// What counts as consumed: <doc:ConsumingMessages#Offsets-and-commits>; to commit
    /// the message you are processing, use ``commit(_:)-(KafkaMessage)``. With automatic offset storing off,
    /// it commits what ``store(_:)-(KafkaMessage)`` stored instead. The offsets of the partitions this consumer
    /// reads are sent as such, so returning means the broker took them; with nothing stored
    /// for those partitions there is nothing to send, and it returns at once.
    /// - Throws: ``KafkaError`` with ``KafkaError/Code/commitFailed`` (or a more specific code)
    ///   when the broker rejects the commit, ``KafkaError/Code/invalidConfiguration`` without a
    ///   consumer group, ``KafkaError/Code/clientClosed`` once closed — or, when an error stopped
    ///   the consumer, that error (the one its message stream throws).
    public func commit() async throws(KafkaError) {
        try await self.engine.commit()
    }

    /// Commits `message` and everything before it in its partition, and waits for the broker's answer.
    ///
    /// - Throws: as ``commit()``; ``KafkaError/Code/partitionNotAssigned`` (or ``KafkaError/Code/commitFailed``)
    ///   when the partition was revoked from this consumer.
    public func commit(_ message: KafkaMessage) async throws(KafkaError) {
        try await self.engine.commit([Self.nextOffset(after: message)])
    }

    /// Stores `message`'s offset for the next commit (automatic or ``commit()``).
    ///
    /// Use it with ``KafkaConsumerConfiguration/enableAutoOffsetStore`` off, after a message is
    /// processed, for at-least-once processing that decides itself what counts as done.
    /// - Throws: ``KafkaError/Code/partitionNotAssigned`` when the partition is not assigned
    ///   to this consumer (for example after a rebalance took it away).
    ///
    /// Cheap enough to call for every message: it runs on the caller's thread, with no hop to
    /// the consumer's actor or thread.
    public nonisolated func store(_ message: KafkaMessage) throws(KafkaError) {
        try self.store(next: message.offset + 1, topic: message.topic, partition: message.partition)
    }

    /// Stores `next` as the next offset to commit for `topic`[`partition`].
    private nonisolated func store(next: Int64, topic: String, partition: Int) throws(KafkaError) {
        do {
            try self.engine.store(next: next, topic: topic, partition: partition)
        } catch  where error.code == .unknownTopicOrPartition {
            // librdkafka says "unknown partition" for one this consumer has never been assigned.
            throw KafkaError(
                code: .partitionNotAssigned,
                message: "cannot store the offset of \(topic)[\(partition)]: not assigned to this consumer",
                librdkafkaCode: error.librdkafkaCode
            )
        }
    }

    /// Commits `offsets` — for each partition the next offset to read, that is the last
    /// processed message's offset + 1 — and waits for the broker's answer.
    ///
    /// - Throws: as ``commit(_:)-(KafkaMessage)``; ``KafkaError/Code/invalidArgument`` for an
    ///   offset that is not absolute (`.stored`, `.end`, …) or an empty list.
    public func commit(_ offsets: [KafkaTopicPartition]) async throws(KafkaError) {
        try Self.validateExplicit(offsets, "commit")
        try await self.engine.commit(offsets)
    }

    /// Stores `offsets` — for each partition the next offset to read — for the next commit,
    /// as ``store(_:)-(KafkaMessage)`` does for one message.
    ///
    /// - Throws: as ``store(_:)-(KafkaMessage)``; ``KafkaError/Code/invalidArgument`` for an
    ///   offset that is not absolute, or an empty list.
    public nonisolated func store(_ offsets: [KafkaTopicPartition]) throws(KafkaError) {
        try Self.validateExplicit(offsets, "store")
        for offset in offsets { try self.store(next: offset.offset.rawValue, topic: offset.topic, partition: offset.partition) }
    }

    private static func validateExplicit(_ offsets: [KafkaTopicPartition], _ what: String) throws(KafkaError) {
        guard !offsets.isEmpty else { throw KafkaError(code: .invalidArgument, message: "\(what) needs at least one offset") }
        for offset in offsets where !offset.offset.isAbsolute || offset.partition < 0 || offset.topic.isEmpty {
            throw KafkaError(code: .invalidArgument, message: "cannot \(what) \(offset): give a topic, a partition and an absolute offset")
        }
    }

    private static func nextOffset(after message: KafkaMessage) -> KafkaTopicPartition {
        KafkaTopicPartition(topic: message.topic, partition: message.partition, offset: .offset(message.offset + 1))
    }

    /// Closes the consumer and waits until it is closed: commits the offsets of
    /// what was consumed (with auto-commit on), leaves the group, ends the
    /// iteration of ``messages`` at its next message, and frees librdkafka's resources.
    ///
    /// Idempotent: later calls return once the consumer is closed.
    public func close() async {
        await self.engine.close()
    }
}
