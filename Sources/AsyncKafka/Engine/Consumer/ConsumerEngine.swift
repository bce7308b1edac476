import CRdKafka
import Logging
import Synchronization

/// The consumer's engine, built on a ``ClientCore``: serves the consumer queue on the client
/// thread and hands batches of messages to the stream that ``KafkaConsumer/messages`` reads.
///
/// Who owns what:
/// - ``confined`` (a ``ThreadBound``) holds everything the client thread owns: the
///   ``ConsumerStateMachine`` (whose states own the queues, the commits in flight and the
///   close), the lingering batch, the consumed positions, the rebalance steps.
/// - Other threads reach the engine only through jobs (``submit(_:)``, ``perform(_:)``),
///   ``credits`` (batches the stream may still take), ``progress`` and ``partitionFilter``
///   (written by the iterator, read by the thread), ``offsetStore`` (the application's
///   explicit `store`), and the published ``isStopping`` and ``failure``.
final class ConsumerEngine: @unchecked Sendable {
    /// The librdkafka objects of an open consumer, owned by the state machine's states.
    struct Resources {
        let handle: KafkaHandle
        /// The consumer queue; librdkafka's main queue is forwarded into it.
        let queue: OpaquePointer
        /// A queue of its own for commit results, so that a commit completes even
        /// while the message stream is full and the consumer queue is not served.
        let commitQueue: OpaquePointer
    }

    typealias StateMachine = ConsumerStateMachine<Resources, CheckedContinuation<Void, any Error>, CheckedContinuation<Void, Never>>

    /// What the client thread owns.
    struct Confined {
        var machine: StateMachine
        /// Rebalances whose handler has not finished yet.
        var pendingRebalanceSteps: [RebalanceStep] = []
        /// Messages held back until the batch is full or ``lingerMilliseconds`` have passed
        /// (only when a batch view asked for a wait).
        var lingering: [KafkaMessage] = []
        var lingeringSince: ContinuousClock.Instant?
        /// How long a partial batch may wait for more messages; 0 hands batches over at once.
        var lingerMilliseconds = 0
        /// The most messages one batch holds; starts as the configured batch size.
        var maxBatchCount: Int
        /// Where `rd_kafka_consume_batch_queue` writes; its capacity is how many messages one call takes.
        var pollBuffer: MessagePollBuffer
        /// The serial of the last batch handed to the stream.
        var lastBatchSerial = 0
        /// The next offset the application will read per partition, from what it consumed.
        var consumedPositions: [PartitionKey: Int64] = [:]
        /// Wakes librdkafka's fetchers when a full prefetch queue has drained.
        var fetcherWakeUp: FetcherWakeUp
        /// Since when librdkafka has reported all brokers down (while ``failAfterBrokersDown`` is set).
        var brokersDownSince: ContinuousClock.Instant?
    }

    let core: ClientCore
    let confined: ThreadBound<Confined>
    var logger: Logger { self.core.logger }
    var thread: ClientThread { self.core.thread }
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
    /// Whether the engine stores offsets of handed-out messages (``KafkaConsumerConfiguration/enableAutoOffsetStore``).
    let storesOffsets: Bool
    /// The configured consumer group; `nil` when the consumer only reads assigned partitions.
    let groupID: String?
    /// How long an idle consumer may go without polling librdkafka (a third of `max.poll.interval.ms`).
    let idlePollMilliseconds: Int
    /// How long a close may take (final commit, LeaveGroup) before the handle is destroyed anyway.
    let closeTimeout: Duration
    /// Whether a subscribed topic that does not exist ends the message stream.
    let failOnMissingTopic: Bool
    /// How long all brokers may stay down before the message stream ends; `nil`: no limit.
    let failAfterBrokersDown: Duration?
    /// ``KafkaConsumer/store(_:)-(KafkaMessage)``'s path to the handle, on the caller's thread;
    /// open once the handle exists, closed as soon as the consumer starts stopping.
    let offsetStore = OffsetStore()
    /// Set once the consumer starts closing, for other threads: the iterator stops handing out
    /// buffered messages.
    private let stopping = Atomic<Bool>(false)
    /// The error that stopped the consumer, if any, for other threads: the iterator throws it.
    private let failureBox = Mutex<KafkaError?>(nil)
    /// The batches, until an iterator claims them.
    let streamClaim: Mutex<AsyncThrowingStream<StreamElement, any Error>?>
    let continuation: AsyncThrowingStream<StreamElement, any Error>.Continuation

    init(configuration: KafkaConsumerConfiguration, logger: Logger) throws(KafkaError) {
        var properties = configuration.properties
        // The engine stores offsets itself, when the application has consumed a message.
        let librdkafkaAutoStore = properties["enable.auto.offset.store"].map { !["false", "0"].contains($0.lowercased()) } ?? true
        properties["enable.auto.offset.store"] = "false"
        if configuration.groupID == nil {
            // librdkafka's consumer needs a group even for assigned partitions; this one never commits.
            properties["group.id"] = "asynckafka-unnamed-\(UInt64.random(in: 0...UInt64.max))"
            properties["enable.auto.commit"] = "false"
        }
        ConsumerPrefetchDefaults.apply(to: &properties)
        let core = try ClientCore(
            .consumer, properties: properties, logger: logger, oauthBearer: configuration.oauthBearerTokenProvider,
            blockingCalls: true)
        let pointer = core.handle.pointer
        rd_kafka_poll_set_consumer(pointer)
        let queue = rd_kafka_queue_get_consumer(pointer)!
        let commitQueue = rd_kafka_queue_new(pointer)!
        core.wakeThread(on: queue)
        core.wakeThread(on: commitQueue)

        self.core = core
        let batchSize = max(1, configuration.maxMessagesPerBatch)
        self.confined = ThreadBound(
            Confined(
                machine: StateMachine(resources: Resources(handle: core.handle, queue: queue, commitQueue: commitQueue)),
                maxBatchCount: batchSize,
                pollBuffer: MessagePollBuffer(capacity: batchSize),
                fetcherWakeUp: FetcherWakeUp(properties: properties)
            ),
            on: core.thread
        )
        self.progress = ConsumptionProgress(signals: self.signals)
        self.partitionFilter = PartitionFilter(signals: self.signals)
        self.maxBufferedBatches = max(1, configuration.maxBufferedBatches)
        self.closeTimeout = configuration.closeTimeout
        self.credits = Atomic(self.maxBufferedBatches)
        self.storesOffsets = configuration.enableAutoOffsetStore && librdkafkaAutoStore
        self.groupID = configuration.groupID
        let maxPollInterval = properties["max.poll.interval.ms"].flatMap { Int($0) } ?? 300_000
        self.idlePollMilliseconds = max(100, maxPollInterval / 3)
        let (stream, continuation) = AsyncThrowingStream<StreamElement, any Error>.makeStream()
        self.streamClaim = Mutex(stream)
        self.continuation = continuation
        self.failOnMissingTopic = configuration.failOnMissingTopic
        self.failAfterBrokersDown = configuration.failAfterBrokersDown
        self.offsetStore.open(pointer)

        do {
            try core.start(self) { [self] in self.serveQueues() }
        } catch {
            self.destroy()
            throw error
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
    /// Also keeps ``Confined/consumedPositions`` (for lag) whether or not offsets are stored.
    func storeConsumedOffsets(_ resources: Resources) {
        let offsets = self.progress.takeConsumedOffsets()
        guard !offsets.isEmpty else { return }
        for offset in offsets {
            self.confined.consumedPositions[PartitionKey(topic: offset.topic, partition: offset.partition)] = offset.offset.rawValue
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
        self.core.bridge.errorLog.log(error)
    }

    /// Ends the message stream once all brokers have been down for ``failAfterBrokersDown``;
    /// returns how many milliseconds are left until it looks again, if it watches. On the thread.
    ///
    /// librdkafka reports all brokers down when it happens, not when a broker answers again:
    /// when the time is up, a metadata request (200 ms at most, on this thread) tells.
    func watchBrokers(_ resources: Resources) -> Int? {
        guard let limit = self.failAfterBrokersDown, let since = self.confined.brokersDownSince else { return nil }
        let left = since + limit - .now
        if left > .zero { return max(1, Int(left.wholeMilliseconds)) }
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let err = rd_kafka_metadata(resources.handle.pointer, 0, nil, &metadata, 200)
        if let metadata { rd_kafka_metadata_destroy(metadata) }
        self.confined.brokersDownSince = nil
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            self.fail(with: .rdKafka(RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, context: "no broker answered for \(limit)"))
        }
        return nil
    }

    // MARK: Jobs

    /// Runs `body` on the thread with the open consumer's resources, and returns its result;
    /// throws ``stoppedError`` once the consumer is closing.
    func run<T: Sendable>(
        _ body: @escaping @Sendable (ConsumerEngine, Resources) throws(KafkaError) -> T
    ) async throws(KafkaError) -> T {
        try await self.core.run { () throws(KafkaError) -> T in
            guard let resources = self.confined.machine.runningResources else { throw self.stoppedError }
            return try body(self, resources)
        }
    }

    /// Runs `body` with the handle on the core's call thread, for a librdkafka call that waits
    /// for a broker's answer (committed offsets, watermarks, offsets for times): the client
    /// thread goes on handing out messages and handling rebalances meanwhile. Throws
    /// ``stoppedError`` once the consumer is closing.
    func runBlockingCall<T: Sendable>(_ body: @escaping @Sendable (OpaquePointer) throws(KafkaError) -> T) async throws(KafkaError) -> T {
        try await self.core.runBlockingCall(
            admit: { () throws(KafkaError) in
                guard self.confined.machine.runningResources != nil else { throw self.stoppedError }
            },
            body
        )
    }

    /// Submits a job without waiting for it.
    func submit(_ job: @escaping @Sendable (ConsumerEngine) -> Void) {
        self.thread.submit { job(self) }
    }
}

extension ConsumerEngine: ClientEventReceiver {}
