import CRdKafka
import Logging
import Synchronization

/// The consumer's engine: owns the `rd_kafka_t` and serves its queues on a dedicated ``ClientThread``.
///
/// Thread confinement: everything marked *thread-confined* is touched only on
/// ``thread`` — in jobs submitted to it, in ``serve()``, and in librdkafka
/// callbacks, which librdkafka invokes from inside the queue-serving calls
/// made by ``serve()``. Other threads talk to the loop through ``submit(_:)``,
/// ``credits`` and ``progress`` only.
final class ConsumerEventLoop: @unchecked Sendable {
    /// The librdkafka objects of an open consumer. Thread-confined.
    struct Resources {
        let handle: KafkaHandle
        /// The consumer queue; librdkafka's main queue is forwarded into it.
        let queue: OpaquePointer
        /// A queue of its own for commit results, so that a commit completes even
        /// while the message stream is full and the consumer queue is not served.
        let commitQueue: OpaquePointer
    }

    let thread: ClientThread
    let logger: Logger
    let progress = ConsumptionProgress()
    let partitionFilter = PartitionFilter()
    let rebalances = RebalanceBroadcaster()
    let rebalanceHandler = Mutex<KafkaRebalanceHandler?>(nil)
    /// Batches the stream may still take before it is full; handed back by the iterator.
    let credits: Atomic<Int>
    let batchSize: Int
    /// Whether the loop stores offsets of handed-out messages (`enable.auto.offset.store`).
    let storesOffsets: Bool
    /// The configured consumer group; `nil` when the consumer only reads assigned partitions.
    let groupID: String?
    /// How long an idle consumer may go without polling librdkafka (a third of `max.poll.interval.ms`).
    let idlePollMilliseconds: Int
    /// Set once the consumer starts closing: the iterator stops handing out buffered messages.
    private let stopping = Atomic<Bool>(false)
    /// The error that stopped the consumer, if any; the iterator throws it.
    private let failureBox = Mutex<KafkaError?>(nil)
    /// The batches, until an iterator claims them.
    let streamClaim: Mutex<AsyncThrowingStream<StreamElement, any Error>?>
    let continuation: AsyncThrowingStream<StreamElement, any Error>.Continuation

    // Thread-confined.
    var resources: Resources?
    var machine = ConsumerStateMachine()
    var pendingCommits: [Int: CheckedContinuation<Void, any Error>] = [:]
    var nextCommitID = 1
    /// Rebalances whose handler has not finished yet.
    var pendingRebalanceSteps: [RebalanceStep] = []
    /// The serial of the last batch handed to the stream.
    var lastBatchSerial = 0
    /// The next offset the application will read per partition, from what it consumed.
    var consumedPositions: [PartitionKey: Int64] = [:]
    let messageBuffer: UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>

    init(configuration: KafkaConsumerConfiguration, logger: Logger) throws(KafkaError) {
        var properties = configuration.properties
        // The loop stores offsets itself, when the application has consumed a message.
        properties["enable.auto.offset.store"] = "false"
        if configuration.groupID == nil {
            // librdkafka's consumer needs a group even for assigned partitions; this one never commits.
            properties["group.id"] = "asynckafka-unnamed-\(UInt64.random(in: 0...UInt64.max))"
            properties["enable.auto.commit"] = "false"
        }
        // librdkafka logs are queued and served on the client thread.
        properties["log.queue"] = "true"
        let conf = try RdKafkaConfiguration.make(properties)

        self.logger = logger
        self.thread = ClientThread()
        self.batchSize = max(1, configuration.batchSize)
        self.credits = Atomic(max(1, configuration.maxBufferedBatches))
        self.storesOffsets = configuration.enableAutoOffsetStore
        self.groupID = configuration.groupID
        let maxPollInterval = properties["max.poll.interval.ms"].flatMap { Int($0) } ?? 300_000
        self.idlePollMilliseconds = max(100, maxPollInterval / 3)
        let (stream, continuation) = AsyncThrowingStream<StreamElement, any Error>.makeStream()
        self.streamClaim = Mutex(stream)
        self.continuation = continuation
        self.messageBuffer = .allocate(capacity: self.batchSize)

        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(self).toOpaque())
        ConsumerCallbacks.install(on: conf)
        let handle = try KafkaHandle(type: RD_KAFKA_CONSUMER, conf: conf)
        rd_kafka_poll_set_consumer(handle.pointer)
        let queue = rd_kafka_queue_get_consumer(handle.pointer)!
        let commitQueue = rd_kafka_queue_new(handle.pointer)!
        _ = rd_kafka_set_log_queue(handle.pointer, nil)
        let threadPointer = Unmanaged.passUnretained(self.thread).toOpaque()
        rd_kafka_queue_cb_event_enable(queue, ConsumerCallbacks.queueBecameReadable, threadPointer)
        rd_kafka_queue_cb_event_enable(commitQueue, ConsumerCallbacks.queueBecameReadable, threadPointer)
        self.resources = Resources(handle: handle, queue: queue, commitQueue: commitQueue)

        do {
            try self.thread.start { [self] in self.serve() }
        } catch {
            self.destroy()
            throw error
        }
    }

    deinit {
        self.messageBuffer.deallocate()
    }

    // MARK: Serving

    /// Serves the queues after a wake-up. Runs on the thread.
    private func serve() -> ClientThread.Sleep {
        guard let resources = self.resources else { return .untilWoken }
        switch self.machine.state {
        case .running:
            self.storeConsumedOffsets(resources)
            _ = rd_kafka_queue_poll_callback(resources.commitQueue, 0)
            self.serveMessages(resources)
            // librdkafka counts a consumer that does not poll within max.poll.interval.ms as gone.
            // While the application waits for messages (the stream has room), poll on its behalf
            // even when nothing arrives; while it is busy (no room), let librdkafka notice.
            return self.credits.load(ordering: .relaxed) > 0
                ? .atMost(milliseconds: self.idlePollMilliseconds) : .untilWoken
        case .closing:
            _ = rd_kafka_queue_poll_callback(resources.commitQueue, 0)
            self.discardMessages(resources)
            guard rd_kafka_consumer_closed(resources.handle.pointer) != 0 else {
                // Woken by the queue as the close progresses; the timeout is only a safety net.
                return .atMost(milliseconds: 20)
            }
            self.finishClose(resources)
            return .untilWoken
        case .closed:
            return .untilWoken
        }
    }

    /// Drains the consumer queue into batches while the stream has room.
    ///
    /// librdkafka's queue callback fires only when the queue goes from empty
    /// to non-empty, so the loop drains until librdkafka returns nothing;
    /// when the stream is full it stops early, and the iterator wakes it when
    /// it hands a credit back.
    private func serveMessages(_ resources: Resources) {
        while self.machine.state == .running, self.credits.load(ordering: .acquiring) > 0 {
            let count = rd_kafka_consume_batch_queue(resources.queue, 0, self.messageBuffer, self.batchSize)
            guard count > 0 else { return }
            var failure: KafkaError?
            var usable = count
            for index in 0..<count where self.messageBuffer[index]!.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                if let error = self.classify(self.messageBuffer[index]!, resources) {
                    // Messages after a stopping error are not handed out (nor committed).
                    failure = error
                    usable = index
                    break
                }
            }
            let batch = MessageBatchBuilder.build(self.messageBuffer, count: usable)
            for index in 0..<count { rd_kafka_message_destroy(self.messageBuffer[index]) }
            if !batch.isEmpty {
                self.credits.subtract(1, ordering: .releasing)
                self.lastBatchSerial += 1
                if case .terminated = self.continuation.yield(.batch(MessageBatch(serial: self.lastBatchSerial, messages: batch))) {
                    return
                }
            }
            if let failure {
                self.fail(with: failure)
                return
            }
        }
    }

    /// Destroys whatever is still queued while closing: those messages were never handed out.
    private func discardMessages(_ resources: Resources) {
        while true {
            let count = rd_kafka_consume_batch_queue(resources.queue, 0, self.messageBuffer, self.batchSize)
            guard count > 0 else { return }
            for index in 0..<count { rd_kafka_message_destroy(self.messageBuffer[index]) }
        }
    }

    /// Decides what a per-message error means: `nil` to log and go on, or an error that ends the stream.
    private func classify(_ message: UnsafeMutablePointer<rd_kafka_message_t>, _ resources: Resources) -> KafkaError? {
        let err = message.pointee.err
        let detail = String(cString: rd_kafka_message_errstr(message))
        switch err {
        case RD_KAFKA_RESP_ERR__PARTITION_EOF:
            self.logger.trace("reached end of partition", metadata: ["kafka.partition": "\(message.pointee.partition)"])
            return nil
        case RD_KAFKA_RESP_ERR__FATAL:
            return resources.handle.raisedFatalError() ?? .rdKafka(err, context: detail)
        case RD_KAFKA_RESP_ERR__MAX_POLL_EXCEEDED:
            self.logger.warning("consumer left the group: max.poll.interval.ms exceeded; it rejoins on the next read")
            return nil
        default:
            let error = KafkaError.rdKafka(err, context: "consumer error: \(detail)")
            if error.isRetriable {
                self.logger.warning("\(error)")
                return nil
            }
            return error
        }
    }

    /// Whether the consumer is closing (any thread).
    var isStopping: Bool {
        self.stopping.load(ordering: .relaxed)
    }

    /// The error that stopped the consumer, if any (any thread).
    var failure: KafkaError? {
        self.failureBox.withLock { $0 }
    }

    /// Marks the consumer as closing, remembering `failure` when an error stopped it. On the thread.
    func markStopping(failure: KafkaError?) {
        if let failure { self.failureBox.withLock { $0 = $0 ?? failure } }
        self.stopping.store(true, ordering: .relaxed)
    }

    // MARK: Offsets

    /// Stores the offsets of the messages the application has received (when offsets are stored automatically).
    ///
    /// Also keeps ``consumedPositions`` (for lag) whether or not offsets are stored.
    func storeConsumedOffsets(_ resources: Resources) {
        let offsets = self.progress.takeConsumedOffsets()
        guard !offsets.isEmpty else { return }
        for offset in offsets {
            self.consumedPositions[PartitionKey(topic: offset.topic, partition: offset.partition)] = offset.offset.rawValue
        }
        guard self.storesOffsets else { return }
        let list = TopicPartitionList(offsets)
        let err = rd_kafka_offsets_store(resources.handle.pointer, list.pointer)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            // Typically _STATE: the partition was revoked; its new owner reads those messages again.
            self.logger.debug(
                "offsets not stored",
                metadata: ["kafka.error": "\(KafkaError.rdKafka(err, context: "store"))"]
            )
        }
    }

    // MARK: Jobs

    /// Runs `body` on the thread with the open consumer's resources, and returns its result.
    func perform<T: Sendable>(
        _ body: @escaping @Sendable (ConsumerEventLoop, Resources) throws(KafkaError) -> T
    ) async throws(KafkaError) -> T {
        do {
            return try await withCheckedThrowingContinuation { continuation in
                self.thread.submit {
                    guard self.machine.state == .running, let resources = self.resources else {
                        continuation.resume(throwing: KafkaError.clientClosed("the consumer"))
                        return
                    }
                    do throws(KafkaError) {
                        continuation.resume(returning: try body(self, resources))
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
            }
        } catch let error as KafkaError {
            throw error
        } catch {
            throw KafkaError(code: .librdkafka, message: "\(error)")
        }
    }

    /// Submits a job without waiting for it.
    func submit(_ job: @escaping @Sendable (ConsumerEventLoop) -> Void) {
        self.thread.submit { job(self) }
    }
}
