import Synchronization

/// Hands each event to every current observer stream: ``KafkaConsumer/rebalanceEvents`` and
/// ``KafkaConsumer/errors``.
///
/// Each ``subscribe()`` gives a new stream that sees the events from then on; a slow observer
/// keeps the newest `bufferLimit` and loses older ones, so a client never waits for its
/// observers. ``finish()`` ends every stream (the client is closed) and every later one at once.
final class EventBroadcaster<Event: Sendable>: Sendable {
    private struct State {
        var observers: [Int: AsyncStream<Event>.Continuation] = [:]
        var nextID = 0
        var finished = false
    }

    private let state = Mutex(State())
    private let bufferLimit: Int

    init(bufferLimit: Int) {
        self.bufferLimit = bufferLimit
    }

    /// A new stream of the events from now on.
    func subscribe() -> AsyncStream<Event> {
        let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingNewest(self.bufferLimit))
        let registered = self.state.withLock { state -> Int? in
            guard !state.finished else { return nil }
            defer { state.nextID += 1 }
            state.observers[state.nextID] = continuation
            return state.nextID
        }
        guard let registered else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.observers.removeValue(forKey: registered) }
        }
        return stream
    }

    func emit(_ event: Event) {
        for observer in self.state.withLock({ Array($0.observers.values) }) { observer.yield(event) }
    }

    /// Ends every stream: the client is closed.
    func finish() {
        let observers = self.state.withLock { state in
            state.finished = true
            defer { state.observers = [:] }
            return Array(state.observers.values)
        }
        for observer in observers { observer.finish() }
    }
}
