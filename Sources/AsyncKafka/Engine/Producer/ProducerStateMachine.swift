import CRdKafka

/// The lifecycle of a producer, as an explicit state machine guarded by the producer's lock.
///
/// Methods return what the caller must do; the machine performs no I/O. It is generic over
/// the close waiters so that it is unit-tested without librdkafka.
struct ProducerStateMachine<CloseWaiter> {
    enum State {
        /// Accepting messages.
        case running
        /// `close` is flushing and purging; new messages are refused.
        case closing
        /// The handle is destroyed.
        case closed
    }

    private(set) var state = State.running
    /// Topic handles (`rd_kafka_topic_t *`) by name, created on first use.
    var topics = TopicHandleCache()
    /// Single enqueues since the sender last served delivery reports.
    var enqueuedSinceServe = 0
    private var closeWaiters: [CloseWaiter] = []

    enum CloseAction {
        /// Flush, purge, destroy.
        case beginClose
        /// Already closing or closed: only wait.
        case none
    }

    /// Someone asked to close; `waiter` (if any) is resumed once closed.
    mutating func closeRequested(waiter: CloseWaiter?) -> (CloseAction, resumeNow: Bool) {
        switch self.state {
        case .running:
            self.state = .closing
            if let waiter { self.closeWaiters.append(waiter) }
            return (.beginClose, false)
        case .closing:
            if let waiter { self.closeWaiters.append(waiter) }
            return (.none, false)
        case .closed:
            return (.none, waiter != nil)
        }
    }

    /// The producer is closed: nothing more is enqueued. Returns every waiter to resume.
    ///
    /// The topic handles stay in `topics`: `ProducerEngine.destroy()` destroys them with the handle.
    mutating func closed() -> [CloseWaiter] {
        self.state = .closed
        defer { self.closeWaiters = [] }
        return self.closeWaiters
    }
}
extension ProducerStateMachine: Sendable where CloseWaiter: Sendable {}
