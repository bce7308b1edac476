import CRdKafka

/// Transactions: exactly-once consume → transform → produce.
///
/// Errors carry librdkafka's classification: ``KafkaError/isRetriable`` (call
/// the same function again), ``KafkaError/requiresAbort`` (call
/// ``abortTransaction(timeout:)``, then start over) and ``KafkaError/isFatal``
/// (code ``KafkaError/Code/fatal``: the producer was fenced by a newer one with
/// the same transactional id, or hit another unrecoverable error; close it and
/// create a new one). Each call blocks librdkafka's transaction manager, so it
/// runs on the producer's own thread, never on Swift's cooperative pool, and
/// cannot be cancelled once started.
extension KafkaProducer {
    /// Registers the producer with the transaction coordinator: fences off older producers with the
    /// same ``KafkaProducerConfiguration/transactionalID`` and completes their pending transactions.
    /// Call once, before the first ``beginTransaction()``.
    ///
    /// - Parameter timeout: How long to wait. On a retriable timeout, call it again: it resumes.
    /// - Throws: ``KafkaError/Code/invalidConfiguration`` for a producer without a transactional id,
    ///   ``KafkaError/Code/timedOut`` (retriable), a fatal error, ``KafkaError/Code/clientClosed``.
    public func initTransactions(timeout: Duration = .seconds(30)) async throws(KafkaError) {
        let milliseconds = ProducerEngine.transactionTimeout(timeout)
        try await self.engine.transactionCall("init transactions") { rd_kafka_init_transactions($0, milliseconds) }
    }

    /// Begins a transaction: messages sent from now on belong to it, until it is committed or aborted.
    ///
    /// - Throws: ``KafkaError/Code/invalidState`` when a transaction is already open or
    ///   ``initTransactions(timeout:)`` has not completed; a fatal error.
    public func beginTransaction() async throws(KafkaError) {
        try await self.engine.transactionCall("begin transaction") { rd_kafka_begin_transaction($0) }
    }

    /// Adds consumer offsets to the transaction: they count as committed for the consumer's group
    /// if, and only if, the transaction commits.
    ///
    /// - Parameters:
    ///   - offsets: For each partition, the offset of the *next* message to consume
    ///     (the last processed offset + 1).
    ///   - consumer: The consumer the messages came from; it must belong to a consumer group and
    ///     have ``KafkaConsumerConfiguration/enableAutoCommit`` off.
    ///   - timeout: How long the coordinator may take to register the offsets.
    /// - Throws: ``KafkaError/Code/invalidArgument`` for an empty list or a logical offset;
    ///   errors with ``KafkaError/requiresAbort`` or ``KafkaError/isRetriable`` (retry with the same
    ///   offsets), a fatal error.
    public func sendOffsetsToTransaction(
        _ offsets: [KafkaTopicPartition],
        consumer: KafkaConsumer,
        timeout: Duration = .seconds(30)
    ) async throws(KafkaError) {
        try Self.validateTransactionOffsets(offsets)
        let metadata = try await consumer.groupMetadata()
        try await self.sendOffsetsToTransaction(offsets, groupMetadata: metadata, timeout: timeout)
    }

    /// Adds consumer offsets to the transaction, for the group described by `groupMetadata`
    /// (from ``KafkaConsumer/groupMetadata()``); see ``sendOffsetsToTransaction(_:consumer:timeout:)``.
    public func sendOffsetsToTransaction(
        _ offsets: [KafkaTopicPartition],
        groupMetadata: KafkaConsumerGroupMetadata,
        timeout: Duration = .seconds(30)
    ) async throws(KafkaError) {
        try Self.validateTransactionOffsets(offsets)
        let milliseconds = ProducerEngine.transactionTimeout(timeout)
        try await self.engine.transactionCall("send offsets to transaction") { rk in
            let list = TopicPartitionList(offsets)
            return rd_kafka_send_offsets_to_transaction(rk, list.pointer, groupMetadata.pointer, milliseconds)
        }
    }

    /// Commits the transaction: delivers every message sent in it, then asks the coordinator to commit.
    ///
    /// - Parameter timeout: `nil` (recommended) for the rest of the transaction timeout
    ///   (``KafkaProducerConfiguration/transactionTimeout``). On a retriable error, call it again:
    ///   the commit resumes where it stopped.
    /// - Throws: an error with ``KafkaError/requiresAbort`` when a message failed or the coordinator
    ///   refused (abort, then retry the whole transaction); ``KafkaError/Code/invalidState`` without
    ///   an open transaction; a fatal error when fenced.
    public func commitTransaction(timeout: Duration? = nil) async throws(KafkaError) {
        let milliseconds = ProducerEngine.transactionTimeout(timeout)
        try await self.engine.transactionCall("commit transaction") { rd_kafka_commit_transaction($0, milliseconds) }
    }

    /// Aborts the transaction: messages not yet sent are purged (their senders get
    /// ``KafkaError/Code/purged``), and the coordinator discards what was written and the offsets sent.
    ///
    /// Also the way out of an error with ``KafkaError/requiresAbort``.
    /// - Parameter timeout: `nil` (recommended) for the rest of the transaction timeout; on a
    ///   retriable error, call it again.
    public func abortTransaction(timeout: Duration? = nil) async throws(KafkaError) {
        let milliseconds = ProducerEngine.transactionTimeout(timeout)
        try await self.engine.transactionCall("abort transaction") { rd_kafka_abort_transaction($0, milliseconds) }
    }

    private static func validateTransactionOffsets(_ offsets: [KafkaTopicPartition]) throws(KafkaError) {
        guard !offsets.isEmpty else {
            throw KafkaError(code: .invalidArgument, message: "sendOffsetsToTransaction needs at least one offset")
        }
        for offset in offsets where offset.topic.isEmpty || offset.partition < 0 || !offset.offset.isAbsolute {
            throw KafkaError(
                code: .invalidArgument,
                message: "cannot commit \(offset) in a transaction: needs a topic, a partition and an absolute offset"
            )
        }
    }
}
