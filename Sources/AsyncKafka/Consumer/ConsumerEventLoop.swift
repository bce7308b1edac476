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
    /// What the iterator checks for each message; shared by ``progress`` and ``partitionFilter``.
    let signals = IteratorSignals()
    let progress: ConsumptionProgress
    let partitionFilter: PartitionFilter
    let rebalances = EventBroadcaster<KafkaRebalanceEvent>(bufferLimit: 64)
    /// Errors that do not stop the consumer, for ``KafkaConsumer/errors``.
    let errors = EventBroadcaster<KafkaError>(bufferLimit: 64)
    let rebalanceHandler = Mutex<KafkaRebalanceHandler?>(nil)
    /// How many batches the stream may hold.
    let maxBufferedBatches: Int
    /// Batches the stream may still take before it is full; handed back by the iterator.
    let credits: Atomic<Int>
    var batchSize: Int
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
    /// ``KafkaConsumer/store(_:)-(KafkaMessage)``'s path to the handle, on the caller's thread; set once the
    /// handle exists, closed as soon as the consumer starts stopping.
    let offsetStore = OffsetStore()
    var machine = ConsumerStateMachine()
    var pendingCommits: [Int: CheckedContinuation<Void, any Error>] = [:]
    var nextCommitID = 1
    /// How long a close may take (final commit, LeaveGroup) before the handle is destroyed anyway.
    let closeTimeout: Duration
    /// When the close in progress gives up. Thread-confined.
    var closeDeadline: ContinuousClock.Instant?
    /// The close waits for commits in flight before it starts librdkafka's close. Thread-confined.
    var closeAwaitsCommits = false
    /// Rebalances whose handler has not finished yet.
    var pendingRebalanceSteps: [RebalanceStep] = []
    /// Messages held back until the batch is full or ``lingerMilliseconds`` have passed
    /// (only when a batch view asked for a wait). Thread-confined.
    var lingering: [KafkaMessage] = []
    var lingeringSince: ContinuousClock.Instant?
    /// How long a partial batch may wait for more messages; 0 hands batches over at once. Thread-confined.
    var lingerMilliseconds = 0
    /// The most messages one batch holds. Thread-confined; starts as the configured batch size.
    var maxBatchCount: Int
    /// The serial of the last batch handed to the stream.
    var lastBatchSerial = 0
    /// The next offset the application will read per partition, from what it consumed.
    var consumedPositions: [PartitionKey: Int64] = [:]
    var messageBuffer: UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>
    /// Wakes librdkafka's fetchers when a full prefetch queue has drained. Thread-confined.
    var fetcherWakeUp: FetcherWakeUp
    /// Logs reported errors, thinning out repeats.
    let errorLog: ClientErrorLog
    /// Whether a subscribed topic that does not exist ends the message stream.
    let failOnMissingTopic: Bool
    /// How long all brokers may stay down before the message stream ends; `nil`: no limit.
    let failAfterBrokersDown: Duration?
    /// Since when librdkafka has reported all brokers down (while ``failAfterBrokersDown`` is set). Thread-confined.
    var brokersDownSince: ContinuousClock.Instant?

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
        ConsumerPrefetchDefaults.apply(to: &properties)
        let conf = try RdKafkaConfiguration.make(properties)

        self.logger = logger
        self.errorLog = ClientErrorLog(logger: logger)
        self.progress = ConsumptionProgress(signals: self.signals)
        self.partitionFilter = PartitionFilter(signals: self.signals)
        self.thread = ClientThread(name: "ak:consumer")
        self.batchSize = max(1, configuration.batchSize)
        self.maxBatchCount = self.batchSize
        self.maxBufferedBatches = max(1, configuration.maxBufferedBatches)
        self.closeTimeout = configuration.closeTimeout
        self.credits = Atomic(self.maxBufferedBatches)
        self.storesOffsets = configuration.enableAutoOffsetStore
        self.groupID = configuration.groupID
        let maxPollInterval = properties["max.poll.interval.ms"].flatMap { Int($0) } ?? 300_000
        self.idlePollMilliseconds = max(100, maxPollInterval / 3)
        let (stream, continuation) = AsyncThrowingStream<StreamElement, any Error>.makeStream()
        self.streamClaim = Mutex(stream)
        self.continuation = continuation
        self.messageBuffer = .allocate(capacity: self.batchSize)
        self.fetcherWakeUp = FetcherWakeUp(properties: properties)
        self.failOnMissingTopic = configuration.failOnMissingTopic
        self.failAfterBrokersDown = configuration.failAfterBrokersDown

        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(self).toOpaque())
        ConsumerCallbacks.install(on: conf)
        let handle = try KafkaHandle(type: RD_KAFKA_CONSUMER, conf: conf, oauthBearer: configuration.oauthBearerTokenProvider)
        rd_kafka_poll_set_consumer(handle.pointer)
        let queue = rd_kafka_queue_get_consumer(handle.pointer)!
        let commitQueue = rd_kafka_queue_new(handle.pointer)!
        _ = rd_kafka_set_log_queue(handle.pointer, nil)
        let threadPointer = Unmanaged.passUnretained(self.thread).toOpaque()
        rd_kafka_queue_cb_event_enable(queue, ClientThread.wakeOnQueueEvent, threadPointer)
        rd_kafka_queue_cb_event_enable(commitQueue, ClientThread.wakeOnQueueEvent, threadPointer)
        self.resources = Resources(handle: handle, queue: queue, commitQueue: commitQueue)
        self.offsetStore.open(handle.pointer)

        do {
            try self.thread.start { [self] in self.serveQueues() }
        } catch {
            self.destroy()
            throw error
        }
    }

    deinit {
        self.messageBuffer.deallocate()
    }

    /// Whether the consumer is closing (any thread).
    var isStopping: Bool {
        self.stopping.load(ordering: .relaxed)
    }

    /// The error that stopped the consumer, if any (any thread).
    var failure: KafkaError? {
        self.failureBox.withLock { $0 }
    }

    /// What a call on the stopped consumer throws: the error that stopped it, if one did,
    /// so that a loop calling `store` or `commit` learns the cause; otherwise `clientClosed`.
    var stoppedError: KafkaError {
        self.failure ?? .clientClosed("the consumer")
    }

    /// Marks the consumer as closing, remembering `failure` when an error stopped it. On the thread.
    func markStopping(failure: KafkaError?) {
        if let failure { self.failureBox.withLock { $0 = $0 ?? failure } }
        self.offsetStore.close()
        self.stopping.store(true, ordering: .relaxed)
        self.signals.notify()
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
        guard self.storesOffsets, let failure = self.offsetStore.storeConsumed(offsets, through: resources.handle.pointer) else {
            return
        }
        // Typically _STATE: the partition was revoked; its new owner reads those messages again.
        self.logger.debug("offsets not stored", metadata: ["kafka.error": "\(failure)"])
    }

    // MARK: Errors

    /// Reports an error that does not stop the consumer: to ``errors``' observers, and to the
    /// log, where repeats of one code are thinned out (see ``ClientErrorLog``). On the thread.
    func report(_ error: KafkaError) {
        self.errors.emit(error)
        self.errorLog.log(error)
    }

    /// Ends the message stream once all brokers have been down for ``failAfterBrokersDown``;
    /// returns how many milliseconds are left until it looks again, if it watches. On the thread.
    ///
    /// librdkafka reports all brokers down when it happens, not when a broker answers again:
    /// when the time is up, a metadata request (200 ms at most, on this thread) tells.
    func watchBrokers(_ resources: Resources) -> Int? {
        guard let limit = self.failAfterBrokersDown, let since = self.brokersDownSince else { return nil }
        let left = since + limit - .now
        if left > .zero { return max(1, Int(left.wholeMilliseconds)) }
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let err = rd_kafka_metadata(resources.handle.pointer, 0, nil, &metadata, 200)
        if let metadata { rd_kafka_metadata_destroy(metadata) }
        self.brokersDownSince = nil
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            self.fail(with: .rdKafka(RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, context: "no broker answered for \(limit)"))
        }
        return nil
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
                        continuation.resume(throwing: self.stoppedError)
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
