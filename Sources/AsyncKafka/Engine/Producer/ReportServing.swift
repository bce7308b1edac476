import Synchronization

/// Who serves the producer's delivery reports: the client thread, or the senders themselves.
///
/// A trick, fenced in this file. librdkafka frees a reported message on the thread that
/// serves its report; a C producer produces and polls on one thread. Letting the senders
/// serve the reports while they enqueue (and the thread hold off) keeps that locality and
/// saves a context switch per round of reports. Benchmark rows that depend on it
/// (`scripts/bench.sh`, produce group): `send(contentsOf:)` (batch senders serve their own
/// reports) and `enqueue + flush` (fire-and-forget reports left to their sender).
///
/// Invariants, each a handshake of two sequentially consistent atomics where one side
/// writes its flag before reading the other side's, so that one of the two always sees
/// the other and nobody's reports are stranded:
/// 1. While batch senders are active, the thread leaves reports to them
///    (``threadMayServe()`` sets `leftToSenders`, then reads `activeBatchSenders`); the last
///    sender out reads `leftToSenders` after leaving and wakes the thread
///    (``batchSenderLeft()``).
/// 2. While nobody awaits a report and a fire-and-forget sender is still enqueueing, the
///    thread defers for ``deferralMilliseconds`` (``threadShouldDefer(lastSeenEnqueues:)``
///    sets `deferring`, then reads `waiters`); a sender that starts awaiting counts itself,
///    then reads `deferring` and wakes the thread (``waiterArrived()``).
/// 3. ``generation`` counts rounds of served reports; a sender that found the queue full
///    waits only while the generation it read before trying is still current.
final class ReportServing: Sendable {
    /// Rounds of served delivery reports (each may have freed room in librdkafka's queue).
    let generation = Atomic<Int>(0)
    private let activeBatchSenders = Atomic<Int>(0)
    private let leftToSenders = Atomic<Bool>(false)
    private let waiters = Atomic<Int>(0)
    private let deferring = Atomic<Bool>(false)
    /// Fire-and-forget enqueues so far (wrapping), counted by senders under the producer's
    /// state lock; the thread compares it between two looks.
    private let unawaitedEnqueues = Atomic<Int>(0)

    /// How long the thread leaves fire-and-forget reports to their sender before it looks again.
    static let deferralMilliseconds = 10

    // MARK: The thread

    /// Whether the thread may serve reports now; `false` while batch senders serve them (1).
    func threadMayServe() -> Bool {
        self.leftToSenders.store(true, ordering: .sequentiallyConsistent)
        if self.activeBatchSenders.load(ordering: .sequentiallyConsistent) > 0 { return false }
        self.leftToSenders.store(false, ordering: .relaxed)
        return true
    }

    /// Whether the thread leaves fire-and-forget reports to their sender for another
    /// ``deferralMilliseconds`` (2): nobody awaits a report, and a sender enqueued since the
    /// thread last looked (`lastSeenEnqueues`, thread-owned).
    func threadShouldDefer(lastSeenEnqueues: inout Int) -> Bool {
        self.deferring.store(true, ordering: .sequentiallyConsistent)
        if self.waiters.load(ordering: .sequentiallyConsistent) == 0 {
            let enqueues = self.unawaitedEnqueues.load(ordering: .relaxed)
            if enqueues != lastSeenEnqueues {
                lastSeenEnqueues = enqueues
                return true
            }
        }
        self.deferring.store(false, ordering: .relaxed)
        return false
    }

    // MARK: Senders

    /// A batch sender starts enqueueing (and serving its reports as it goes) (1).
    func batchSenderEntered() {
        self.activeBatchSenders.add(1, ordering: .sequentiallyConsistent)
    }

    /// A batch sender is done; returns whether it must wake the thread (1).
    func batchSenderLeft() -> Bool {
        let active = self.activeBatchSenders.subtract(1, ordering: .sequentiallyConsistent).newValue
        return active == 0 && self.leftToSenders.exchange(false, ordering: .sequentiallyConsistent)
    }

    /// A sender starts awaiting a delivery report (or room); returns whether it must wake the
    /// thread, which then serves reports as they arrive (2). Pair with ``waiterLeft()``.
    func waiterArrived() -> Bool {
        self.waiters.add(1, ordering: .sequentiallyConsistent)
        return self.deferring.load(ordering: .sequentiallyConsistent)
    }

    /// The sender counted by ``waiterArrived()`` has what it waited for.
    func waiterLeft() {
        self.waiters.subtract(1, ordering: .relaxed)
    }

    /// Counts one fire-and-forget enqueue. Only under the producer's state lock: a plain load
    /// and store then count without loss (the thread reads without the lock, which senders
    /// hold almost all the time).
    func countUnawaitedEnqueue() {
        let enqueues = self.unawaitedEnqueues.load(ordering: .relaxed)
        self.unawaitedEnqueues.store(enqueues &+ 1, ordering: .relaxed)
    }
}
