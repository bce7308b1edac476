import CAsyncKafkaShim
import CRdKafka
import Logging
import Synchronization

/// The producer's engine, built on a ``ClientCore``: enqueues messages and serves delivery
/// reports on the client thread.
///
/// Enqueueing (`rd_kafka_produceva`) never blocks, so it runs on the sender's thread under
/// ``state``'s lock, which also keeps the handle alive while it is used. Everything that
/// blocks — serving the main queue, flush, purge, destroy — runs on the client thread.
/// How the thread and the senders share the serving of delivery reports is in
/// `ProducerEngine+ReportServing.swift`.
final class ProducerEngine: @unchecked Sendable {
    /// What the client thread owns.
    struct Confined {
        /// The fire-and-forget enqueue count at the thread's last deferral (0, like the count,
        /// before any): when the count has not moved since, no sender is enqueueing.
        var enqueuesAtLastDeferral = 0
        /// Set once the handle is destroyed.
        var destroyed = false
    }

    let core: ClientCore
    var logger: Logger { self.core.logger }
    var thread: ClientThread { self.core.thread }
    var handle: KafkaHandle { self.core.handle }
    let confined: ThreadBound<Confined>
    /// ``KafkaProducerConfiguration/injectsTraceContext``.
    let injectsTraceContext: Bool
    /// librdkafka's main queue, where delivery reports, errors and logs arrive.
    private let mainQueue: OpaquePointer
    typealias StateMachine = ProducerStateMachine<CheckedContinuation<Void, Never>>
    let state = Mutex(StateMachine())
    /// Senders waiting for room in librdkafka's queue.
    let spaceWaiters = Mutex(ProducerSpaceWaiters())
    /// How the thread and the senders share the serving of delivery reports.
    let reportServing = ReportServing()
    /// The configured `transactional.id`, if any.
    let transactionalID: String?

    init(configuration: KafkaProducerConfiguration, logger: Logger) throws(KafkaError) {
        let properties = configuration.properties
        let core = try ClientCore(.producer, properties: properties, logger: logger, oauthBearer: configuration.oauthBearerTokenProvider)
        guard let mainQueue = rd_kafka_queue_get_main(core.handle.pointer) else {
            core.destroy(queues: [])
            throw KafkaError(code: .librdkafka, message: "librdkafka gave the producer no main queue")
        }
        core.wakeThread(on: mainQueue)
        self.core = core
        self.mainQueue = mainQueue
        self.confined = ThreadBound(Confined(), on: core.thread)
        self.injectsTraceContext = configuration.injectsTraceContext
        self.transactionalID = properties["transactional.id"].flatMap { $0.isEmpty ? nil : $0 }
        do {
            try core.start(self) { [self] in self.serve() }
        } catch {
            self.destroy()
            throw error
        }
    }

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
                        let stillFull = self.reportServing.generation.load(ordering: .sequentiallyConsistent) == generation
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
        self.reportServing.generation.add(1, ordering: .sequentiallyConsistent)
        for waiter in self.spaceWaiters.withLock({ $0.takeAll() }) { waiter.resume() }
    }

    // MARK: Serving (the thread)

    private func serve() -> ClientThread.Sleep {
        guard !self.confined.destroyed else { return .untilWoken }
        // While batch senders are enqueueing, they serve the reports (see ReportServing).
        guard self.reportServing.threadMayServe() else { return .untilWoken }
        if self.reportServing.threadShouldDefer(lastSeenEnqueues: &self.confined.enqueuesAtLastDeferral) {
            return .atMost(milliseconds: ReportServing.deferralMilliseconds)
        }
        self.serveMainQueue()
        return .untilWoken
    }

    /// A sender starts waiting for delivery reports (or for room): from now on the thread
    /// serves reports as they arrive. Pair with ``reportWaiterLeft()``.
    func reportWaiterArrived() {
        if self.reportServing.waiterArrived() { self.thread.wake() }
    }

    /// The sender counted by ``reportWaiterArrived()`` has what it waited for.
    func reportWaiterLeft() {
        self.reportServing.waiterLeft()
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
        self.core.destroy(queues: [self.mainQueue])
        self.confined.destroyed = true
    }
}

/// Error events are logged (the default); callers of `send` learn of failures from their
/// delivery reports.
extension ProducerEngine: ClientEventReceiver {}
