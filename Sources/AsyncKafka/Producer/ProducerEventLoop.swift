import CAsyncKafkaShim
import CRdKafka
import Logging
import Synchronization

/// The producer's engine: owns the `rd_kafka_t`, enqueues messages, and serves
/// delivery reports on a dedicated ``ClientThread``.
///
/// Enqueueing (`rd_kafka_produceva`) never blocks, so it runs on the sender's
/// thread under ``state``'s lock, which also keeps the handle alive while it
/// is used. Everything that blocks — serving the main queue, flush, purge,
/// destroy — runs on ``thread``.
final class ProducerEventLoop: @unchecked Sendable {
    let thread = ClientThread(name: "ak:producer")
    let logger: Logger
    /// ``KafkaProducerConfiguration/injectsTraceContext``.
    let injectsTraceContext: Bool
    /// Logs librdkafka's error events, thinning out repeats.
    let errorLog: ClientErrorLog
    let handle: KafkaHandle
    /// librdkafka's main queue, where delivery reports, errors and logs arrive.
    private let mainQueue: OpaquePointer
    let state = Mutex(ProducerStateMachine())
    /// Senders waiting for room in librdkafka's queue.
    let spaceWaiters = Mutex(ProducerSpaceWaiters())
    /// Counts the rounds of served delivery reports (each may have freed room in the queue).
    let deliveryGeneration = Atomic<Int>(0)
    /// Senders inside ``enqueue(_:from:into:)``: they serve the ready delivery reports
    /// themselves as they go, so the thread leaves the reports to them (see ``serve()``).
    let activeBatchSenders = Atomic<Int>(0)
    /// Set by the thread when it left reports to active senders; the last one out wakes it.
    let reportsLeftToSenders = Atomic<Bool>(false)
    /// Senders waiting for a delivery report or for room in the queue: while there are any,
    /// the thread serves reports as they arrive (see ``deferReports()``).
    let reportWaiters = Atomic<Int>(0)
    /// Set by the thread while it leaves fire-and-forget reports to their sender; a sender
    /// that starts waiting for a report then wakes it.
    let deferringReports = Atomic<Bool>(false)
    /// Fire-and-forget enqueues so far (wrapping), counted by senders under the state lock; the
    /// thread compares it between two looks to tell whether a sender is still enqueueing.
    let unawaitedEnqueues = Atomic<Int>(0)
    /// The fire-and-forget enqueue count at the thread's last deferral (0, like the count, before
    /// any): when the count has not moved since, no sender is enqueueing. Thread only.
    private var enqueuesAtLastDeferral = 0
    /// Set by ``destroy()``; read and written on ``thread`` only.
    private var destroyed = false
    /// The configured `transactional.id`, if any.
    let transactionalID: String?

    init(configuration: KafkaProducerConfiguration, logger: Logger) throws(KafkaError) {
        var properties = configuration.properties
        properties["log.queue"] = "true"
        let conf = try RdKafkaConfiguration.make(properties)
        self.logger = logger
        self.injectsTraceContext = configuration.injectsTraceContext
        self.errorLog = ClientErrorLog(logger: logger)
        self.transactionalID = properties["transactional.id"].flatMap { $0.isEmpty ? nil : $0 }
        ProducerCallbacks.install(on: conf)
        // The handle's opaque must be `self`, which exists only once every stored property is set:
        // a context box bridges the gap.
        let context = ProducerCallbacks.Context()
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(context).toOpaque())
        let handle = try KafkaHandle(type: RD_KAFKA_PRODUCER, conf: conf, oauthBearer: configuration.oauthBearerTokenProvider)
        guard let mainQueue = rd_kafka_queue_get_main(handle.pointer) else {
            handle.destroy()
            throw KafkaError(code: .librdkafka, message: "librdkafka gave the producer no main queue")
        }
        self.handle = handle
        self.mainQueue = mainQueue
        self.context = context
        context.loop = self
        _ = rd_kafka_set_log_queue(self.handle.pointer, nil)
        rd_kafka_queue_cb_event_enable(
            self.mainQueue,
            ClientThread.wakeOnQueueEvent,
            Unmanaged.passUnretained(self.thread).toOpaque()
        )
        do {
            try self.thread.start { [self] in self.serve() }
        } catch {
            self.destroy()
            throw error
        }
    }

    /// Keeps the callbacks' context alive as long as the handle.
    private let context: ProducerCallbacks.Context

    /// `rd_kafka_outq_len`, or 0 once closed.
    var queuedMessageCount: Int {
        let rk = self.handle.pointer
        return self.state.withLock { state in
            state.state == .closed ? 0 : Int(rd_kafka_outq_len(rk))
        }
    }

    /// Waits until delivery reports have freed room since `generation`, the producer closes,
    /// the task is cancelled or `deadline` passes — whichever comes first; the caller tells which.
    nonisolated(nonsending) func waitForSpace(after generation: Int, deadline: ContinuousClock.Instant?) async {
        self.reportWaiterArrived()
        defer { self.reportWaiterLeft() }
        // The waiter's id once it waits, and whether its task was cancelled before it did.
        let registration = Mutex<(id: Int?, cancelled: Bool)>((nil, false))
        var timer: Task<Void, Never>?
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let id = registration.withLock { registration -> Int? in
                    guard !registration.cancelled else { return nil }
                    registration.id = self.spaceWaiters.withLock { waiters in
                        // Read under the waiters' lock: a later round of reports takes this waiter.
                        let stillFull = self.deliveryGeneration.load(ordering: .sequentiallyConsistent) == generation
                        return waiters.wait(continuation, stillFull: stillFull)
                    }
                    return registration.id
                }
                guard let id else { return continuation.resume() }
                if let deadline {
                    timer = Task {
                        try? await Task.sleep(until: deadline)
                        self.spaceWaiters.withLock { $0.remove(id) }?.resume()
                    }
                }
            }
        } onCancel: {
            let id = registration.withLock { registration in
                registration.cancelled = true
                return registration.id
            }
            if let id { self.spaceWaiters.withLock { $0.remove(id) }?.resume() }
        }
        timer?.cancel()
    }

    /// Delivery reports were served: a new generation, and the senders waiting for room retry.
    func deliveriesServed() {
        self.deliveryGeneration.add(1, ordering: .sequentiallyConsistent)
        for waiter in self.spaceWaiters.withLock({ $0.takeAll() }) { waiter.resume() }
    }

    // MARK: Serving (the thread)

    private func serve() -> ClientThread.Sleep {
        guard !self.destroyed else { return .untilWoken }
        // While batch senders are enqueueing, they serve the reports (a C producer's loop:
        // produce, poll): librdkafka frees each message on the thread that allocated it. The
        // flag is set before the count is read, and the last sender out reads it after
        // leaving, so one of the two always sees the other.
        self.reportsLeftToSenders.store(true, ordering: .sequentiallyConsistent)
        if self.activeBatchSenders.load(ordering: .sequentiallyConsistent) > 0 { return .untilWoken }
        self.reportsLeftToSenders.store(false, ordering: .relaxed)
        if let sleep = self.deferReports() { return sleep }
        self.serveMainQueue()
        return .untilWoken
    }

    /// How long the thread leaves fire-and-forget reports to their sender before it looks again.
    static let reportDeferralMilliseconds = 10

    /// While a sender is enqueueing fire-and-forget messages and nobody waits for a report,
    /// the thread leaves the reports to that sender, which serves them every
    /// ``messagesPerServe`` enqueues as a C producer polls as it produces, and looks again
    /// after ``reportDeferralMilliseconds``; once the sender has stopped, it serves them itself.
    /// Waking the thread for each round of reports would cost the sender a context switch
    /// per round (and the latency pipeline one per message).
    /// Returns how long to sleep when it defers.
    private func deferReports() -> ClientThread.Sleep? {
        // The flag is set before the waiters are read, and a sender that starts waiting reads it
        // after counting itself: one of the two always sees the other (see reportWaiterArrived).
        self.deferringReports.store(true, ordering: .sequentiallyConsistent)
        if self.reportWaiters.load(ordering: .sequentiallyConsistent) == 0 {
            let enqueues = self.unawaitedEnqueues.load(ordering: .relaxed)
            if enqueues != self.enqueuesAtLastDeferral {
                self.enqueuesAtLastDeferral = enqueues
                return .atMost(milliseconds: Self.reportDeferralMilliseconds)
            }
        }
        self.deferringReports.store(false, ordering: .relaxed)
        return nil
    }

    /// A sender starts waiting for delivery reports (or for room): from now on the thread
    /// serves reports as they arrive. Pair with ``reportWaiterLeft()``.
    func reportWaiterArrived() {
        self.reportWaiters.add(1, ordering: .sequentiallyConsistent)
        if self.deferringReports.load(ordering: .sequentiallyConsistent) { self.thread.wake() }
    }

    /// The sender counted by ``reportWaiterArrived()`` has what it waited for.
    func reportWaiterLeft() {
        self.reportWaiters.subtract(1, ordering: .relaxed)
    }

    /// Serves delivery reports, errors and logs until the main queue is empty, then wakes blocked senders
    /// (also when nothing was served but `wakeSenders`: after a call that served reports itself).
    func serveMainQueue(wakeSenders: Bool = false) {
        var served = 0
        while true {
            let count = Int(rd_kafka_poll(self.handle.pointer, 0))
            guard count > 0 else { break }
            served += count
        }
        if served > 0 || wakeSenders { self.deliveriesServed() }
    }

    /// Destroys the handle and its topics. On the thread (or during a failed init).
    func destroy() {
        let topics = self.state.withLock { $0.topics.removeAll() }
        for topic in topics { rd_kafka_topic_destroy(topic.pointer) }
        rd_kafka_queue_cb_event_enable(self.mainQueue, nil, nil)
        rd_kafka_queue_destroy(self.mainQueue)
        self.handle.destroy()
        self.destroyed = true
    }
}
