import CRdKafka

/// The lifecycle of a producer, as an explicit state machine guarded by the producer's lock.
///
/// Methods return what the caller must do; the machine performs no I/O.
struct ProducerStateMachine {
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
    var topics: [String: TopicHandle] = [:]
    /// The topic handle used last: most producers send to one topic at a time, and comparing
    /// a name is cheaper than hashing it for ``topics``.
    var lastTopic: TopicHandle?
    /// Single enqueues since the sender last served delivery reports.
    var enqueuedSinceServe = 0
    /// Senders waiting for room in librdkafka's queue.
    private var spaceWaiters: [CheckedContinuation<Void, Never>] = []
    /// Incremented every time delivery reports free room in the queue.
    private(set) var deliveryGeneration = 0
    private var closeWaiters: [CheckedContinuation<Void, Never>] = []
    /// Whether the ``KafkaProducer`` still exists.
    private var ownerAlive = true

    /// The queue was full at `generation`: wait, unless reports have freed room since.
    mutating func waitForSpace(after generation: Int, _ continuation: CheckedContinuation<Void, Never>) -> Bool {
        guard self.state == .running, generation == self.deliveryGeneration else { return false }
        self.spaceWaiters.append(continuation)
        return true
    }

    /// Delivery reports were served: the senders waiting for room may try again.
    mutating func deliveriesServed() -> [CheckedContinuation<Void, Never>] {
        self.deliveryGeneration &+= 1
        defer { self.spaceWaiters = [] }
        return self.spaceWaiters
    }

    enum CloseAction {
        /// Flush, purge, destroy.
        case beginClose
        /// Already closing or closed: only wait.
        case none
    }

    /// Someone asked to close; `waiter` (if any) is resumed once closed.
    mutating func closeRequested(waiter: CheckedContinuation<Void, Never>?) -> (CloseAction, resumeNow: Bool) {
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
    /// The topic handles stay in `topics`: `ProducerEventLoop.destroy()` destroys them with the handle.
    mutating func closed() -> (closeWaiters: [CheckedContinuation<Void, Never>], spaceWaiters: [CheckedContinuation<Void, Never>]) {
        self.state = .closed
        self.lastTopic = nil
        defer {
            self.closeWaiters = []
            self.spaceWaiters = []
        }
        return (self.closeWaiters, self.spaceWaiters)
    }
}

/// An `rd_kafka_topic_t *`, owned by the producer and used under its lock.
struct TopicHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    /// The topic's name, the handle's librdkafka opaque: delivery reports read it without a
    /// lock or a lookup. Retained until the producer's `rd_kafka_t` is destroyed.
    let name: Unmanaged<TopicName>
}

/// A topic name in a box, for librdkafka's per-topic opaque.
final class TopicName: Sendable {
    let value: String

    init(_ value: String) {
        self.value = value
    }

    /// The name of the topic of a message this producer produced.
    static func of(_ handle: OpaquePointer) -> String {
        guard let opaque = rd_kafka_topic_opaque(handle) else { return String(cString: rd_kafka_topic_name(handle)) }
        return Unmanaged<TopicName>.fromOpaque(opaque).takeUnretainedValue().value
    }
}
