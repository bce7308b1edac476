import Synchronization

/// Hands each event of a client to its observers: streams (``KafkaConsumer/rebalanceEvents``,
/// ``KafkaConsumer/errors``, the clients' `statistics`) and synchronous reporters
/// (``KafkaStatisticsMetrics``).
///
/// Each ``subscribe()`` gives a new stream that sees the events from then on; a slow observer
/// keeps the newest `bufferLimit` and loses older ones, so a client never waits for its
/// observers. An event that is costly to make (a statistics snapshot decoded from JSON) is
/// made only when someone observes (``emit(making:)``). ``finish()`` ends every stream (the
/// client is closed), drops the reporters, and ends every later stream at once.
final class EventBroadcaster<Event: Sendable>: Sendable {
    private struct State {
        var streams: [Int: AsyncStream<Event>.Continuation] = [:]
        var reporters: [Int: @Sendable (Event) -> Void] = [:]
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
            state.streams[state.nextID] = continuation
            return state.nextID
        }
        guard let registered else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.streams.removeValue(forKey: registered) }
        }
        return stream
    }

    /// Adds a reporter, called on the emitting thread with every event until ``finish()``.
    func addReporter(_ reporter: @escaping @Sendable (Event) -> Void) {
        self.state.withLock { state in
            guard !state.finished else { return }
            state.reporters[state.nextID] = reporter
            state.nextID += 1
        }
    }

    func emit(_ event: Event) {
        self.emit(making: { event })
    }

    /// Hands the event `make` returns to every observer; calls `make` only when there is one
    /// (a `nil` event is dropped).
    func emit(making make: () -> Event?) {
        let (streams, reporters) = self.state.withLock { (Array($0.streams.values), Array($0.reporters.values)) }
        guard !streams.isEmpty || !reporters.isEmpty, let event = make() else { return }
        for reporter in reporters { reporter(event) }
        for stream in streams { stream.yield(event) }
    }

    /// Ends every stream and drops the reporters: the client is closed.
    func finish() {
        let streams = self.state.withLock { state in
            state.finished = true
            state.reporters = [:]
            defer { state.streams = [:] }
            return Array(state.streams.values)
        }
        for stream in streams { stream.finish() }
    }
}
