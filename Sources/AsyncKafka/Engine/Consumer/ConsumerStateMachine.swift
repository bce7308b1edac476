/// The lifecycle of a consumer. Each state owns what exists in it: the librdkafka
/// resources while running and closing, the commits waiting for the broker's answer, the
/// close deadline and the callers waiting for the close.
///
/// Each event returns the action its caller (``ConsumerEngine``, on the client thread)
/// performs; the machine itself performs no I/O. It is generic over the resources and the
/// waiters so that it is unit-tested without librdkafka.
struct ConsumerStateMachine<Resources, Commit, CloseWaiter> {
    struct Running {
        var resources: Resources
        /// Whether an iterator reads the message stream.
        var iterating = false
        var commits = PendingCommits()
    }

    struct Closing {
        var resources: Resources
        var commits: PendingCommits
        /// When the close gives up and destroys the handle without its close sequence.
        var deadline: ContinuousClock.Instant
        /// Whether librdkafka's close waits for the commits in flight (librdkafka 2.0.2 can
        /// abort when the group is closed while a commit is in flight).
        var awaitingCommits: Bool
        var waiters: [CloseWaiter] = []
    }

    enum State {
        /// Open: messages flow, commands are accepted.
        case running(Running)
        /// Closing: waiting for commits in flight, then for librdkafka's close sequence.
        case closing(Closing)
        /// The handle is destroyed (or was never made usable).
        case closed
    }

    /// Commits sent and not answered yet, by id.
    struct PendingCommits {
        var waiting: [Int: Commit] = [:]
        var nextID = 1
        var isEmpty: Bool { self.waiting.isEmpty }

        mutating func add(_ commit: Commit) -> Int {
            defer { self.nextID += 1 }
            self.waiting[self.nextID] = commit
            return self.nextID
        }
    }

    private(set) var state: State

    init(resources: Resources) {
        self.state = .running(Running(resources: resources))
    }

    /// The resources while the consumer is open for commands (not closing).
    var runningResources: Resources? {
        if case .running(let running) = self.state { return running.resources }
        return nil
    }

    /// The resources while the handle exists (running or closing).
    var resources: Resources? {
        switch self.state {
        case .running(let running): running.resources
        case .closing(let closing): closing.resources
        case .closed: nil
        }
    }

    var isRunning: Bool {
        if case .running = self.state { return true }
        return false
    }

    /// Whether an iterator reads the message stream now.
    var isIterating: Bool {
        if case .running(let running) = self.state { return running.iterating }
        return false
    }

    // MARK: Closing

    enum CloseAction {
        /// Store what was consumed, finish the stream; then start librdkafka's close at once
        /// (`startLibrdkafkaClose`) or once the commits in flight are answered.
        case beginClose(Resources, startLibrdkafkaClose: Bool)
        /// Nothing to do: already closing, closed, or still in use.
        case none
    }

    /// Someone asked for the consumer to close (``KafkaConsumer/close()``, an error that ends it).
    mutating func closeRequested(deadline: ContinuousClock.Instant) -> CloseAction {
        guard case .running(let running) = self.state else { return .none }
        let awaiting = !running.commits.isEmpty
        self.state = .closing(
            Closing(resources: running.resources, commits: running.commits, deadline: deadline, awaitingCommits: awaiting))
        return .beginClose(running.resources, startLibrdkafkaClose: !awaiting)
    }

    /// An iterator claimed the message stream.
    mutating func iterationStarted() {
        guard case .running(var running) = self.state else { return }
        running.iterating = true
        self.state = .running(running)
    }

    /// The message stream's iterator ended (end of loop, `break`, cancellation, thrown
    /// error): the consumer closes, as documented.
    mutating func iterationEnded(deadline: ContinuousClock.Instant) -> CloseAction {
        if case .running(var running) = self.state {
            running.iterating = false
            self.state = .running(running)
        }
        return self.closeRequested(deadline: deadline)
    }

    /// The ``KafkaConsumer`` was deinitialised: close unless an iterator still reads the stream.
    mutating func ownerReleased(deadline: ContinuousClock.Instant) -> CloseAction {
        self.isIterating ? .none : self.closeRequested(deadline: deadline)
    }

    enum WaitAction {
        case resumeNow(CloseWaiter)
        case wait
    }

    /// A caller waits until the consumer is closed; call after ``closeRequested(deadline:)``.
    mutating func waitForClose(_ waiter: CloseWaiter) -> WaitAction {
        guard case .closing(var closing) = self.state else { return .resumeNow(waiter) }
        closing.waiters.append(waiter)
        self.state = .closing(closing)
        return .wait
    }

    enum CloseProgressAction {
        /// Commits are still in flight: look again when one is answered (or soon).
        case waitForCommits
        /// The commits are answered (or the deadline passed): start librdkafka's close.
        case startLibrdkafkaClose(Resources)
        /// librdkafka's close sequence is running: look again as it makes progress.
        case waitForLibrdkafka
        /// Closed: destroy the resources (without the close sequence when `forced`), fail the
        /// commits still waiting, resume the waiters.
        case finish(Resources, forced: Bool, commits: [Commit], waiters: [CloseWaiter])
    }

    /// The thread looks at a closing consumer. `librdkafkaClosed` is
    /// `rd_kafka_consumer_closed` (only asked once librdkafka's close has started).
    mutating func closeProgress(now: ContinuousClock.Instant, librdkafkaClosed: () -> Bool) -> CloseProgressAction {
        guard case .closing(var closing) = self.state else { return .waitForLibrdkafka }
        let overdue = now >= closing.deadline
        if closing.awaitingCommits {
            guard closing.commits.isEmpty || overdue else { return .waitForCommits }
            closing.awaitingCommits = false
            self.state = .closing(closing)
            return .startLibrdkafkaClose(closing.resources)
        }
        guard overdue || librdkafkaClosed() else { return .waitForLibrdkafka }
        self.state = .closed
        return .finish(closing.resources, forced: overdue, commits: Array(closing.commits.waiting.values), waiters: closing.waiters)
    }

    /// The consumer could not start (or must stop without closing): returns the resources
    /// to destroy and the commits to fail, if it still had them.
    mutating func abandon() -> (Resources, commits: [Commit])? {
        let taken: (Resources, [Commit])?
        switch self.state {
        case .running(let running): taken = (running.resources, Array(running.commits.waiting.values))
        case .closing(let closing): taken = (closing.resources, Array(closing.commits.waiting.values))
        case .closed: taken = nil
        }
        self.state = .closed
        return taken
    }

    // MARK: Commits

    enum CommitAction {
        /// Send the commit with this id (the commit's opaque) through these resources.
        case send(id: Int, Resources)
        /// The consumer is closed: fail the commit.
        case fail(Commit)
    }

    /// A commit is about to be sent; while closing, a rebalance handler may still commit.
    mutating func commitStarted(_ commit: Commit) -> CommitAction {
        switch self.state {
        case .running(var running):
            let id = running.commits.add(commit)
            self.state = .running(running)
            return .send(id: id, running.resources)
        case .closing(var closing):
            let id = closing.commits.add(commit)
            self.state = .closing(closing)
            return .send(id: id, closing.resources)
        case .closed:
            return .fail(commit)
        }
    }

    /// The commit `id` got its answer (or could not be sent): returns its waiter, once.
    mutating func commitCompleted(id: Int) -> Commit? {
        switch self.state {
        case .running(var running):
            defer { self.state = .running(running) }
            return running.commits.waiting.removeValue(forKey: id)
        case .closing(var closing):
            defer { self.state = .closing(closing) }
            return closing.commits.waiting.removeValue(forKey: id)
        case .closed:
            return nil
        }
    }
}
