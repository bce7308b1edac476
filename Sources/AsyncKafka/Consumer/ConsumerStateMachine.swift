/// The lifecycle of a consumer, as an explicit state machine.
///
/// Each event returns the action its caller (``ConsumerEventLoop``, on the
/// client thread) must perform. The machine itself performs no I/O.
struct ConsumerStateMachine {
    enum State: Equatable {
        /// Open: messages flow, commands are accepted.
        case running
        /// `rd_kafka_consumer_close_queue` was issued; serving until librdkafka reports the consumer closed.
        case closing
        /// The handle is destroyed.
        case closed
    }

    private(set) var state = State.running
    /// Whether an iterator of the message stream is alive.
    private var iterating = false
    private var closeWaiters: [CheckedContinuation<Void, Never>] = []

    enum CloseAction {
        /// Store what was processed, issue the close, finish the stream.
        case beginClose
        /// Nothing to do: already closing, closed, or still in use.
        case none
    }

    /// Someone asked for the consumer to close (``KafkaConsumer/close()``, a fatal error).
    mutating func closeRequested() -> CloseAction {
        guard self.state == .running else { return .none }
        self.state = .closing
        return .beginClose
    }

    /// Whether an iterator reads the message stream now.
    var isIterating: Bool {
        self.iterating
    }

    /// An iterator claimed the message stream.
    mutating func iterationStarted() {
        self.iterating = true
    }

    /// The message stream's iterator ended (end of loop, `break`, cancellation, thrown error):
    /// the consumer closes, as documented.
    mutating func iterationEnded() -> CloseAction {
        self.iterating = false
        return self.closeRequested()
    }

    /// The ``KafkaConsumer`` was deinitialised: close unless an iterator still reads the stream.
    mutating func ownerReleased() -> CloseAction {
        self.iterating ? .none : self.closeRequested()
    }

    enum WaitAction {
        case resumeNow
        case wait
    }

    /// A caller wants to wait until the consumer is closed.
    mutating func waitForClose(_ continuation: CheckedContinuation<Void, Never>) -> WaitAction {
        if self.state == .closed { return .resumeNow }
        self.closeWaiters.append(continuation)
        return .wait
    }

    /// librdkafka reported the consumer closed; the handle is about to be destroyed.
    /// Returns the waiters to resume once it is.
    mutating func closed() -> [CheckedContinuation<Void, Never>] {
        self.state = .closed
        defer { self.closeWaiters = [] }
        return self.closeWaiters
    }
}
