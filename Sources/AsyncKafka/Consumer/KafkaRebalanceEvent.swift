import Synchronization

/// A change of a consumer's partitions, decided by its group.
public enum KafkaRebalanceEvent: Sendable, Hashable {
    /// The consumer now also reads these partitions.
    case assigned([KafkaTopicPartition])
    /// The consumer is about to stop reading these partitions; their offsets can still be committed.
    case revoked([KafkaTopicPartition])
    /// The consumer lost these partitions without a chance to commit (its session expired, or it
    /// exceeded `max.poll.interval.ms`); another member may already read them.
    case lost([KafkaTopicPartition])

    /// The partitions concerned.
    public var partitions: [KafkaTopicPartition] {
        switch self {
        case .assigned(let partitions), .revoked(let partitions), .lost(let partitions): partitions
        }
    }
}

/// A function that runs on every rebalance, before revoked partitions are given up and after
/// assigned partitions are taken on. See ``KafkaConsumer/setRebalanceHandler(_:)``.
public typealias KafkaRebalanceHandler = @Sendable (KafkaRebalanceEvent) async -> Void

/// Hands rebalance events to every observer of ``KafkaConsumer/rebalanceEvents``.
final class RebalanceBroadcaster: Sendable {
    private struct State {
        var observers: [Int: AsyncStream<KafkaRebalanceEvent>.Continuation] = [:]
        var nextID = 0
        var finished = false
    }

    private let state = Mutex(State())

    /// A new stream of the events from now on (the newest 64 are kept for a slow observer).
    func subscribe() -> AsyncStream<KafkaRebalanceEvent> {
        let (stream, continuation) = AsyncStream<KafkaRebalanceEvent>.makeStream(bufferingPolicy: .bufferingNewest(64))
        let registered = self.state.withLock { state -> Int? in
            guard !state.finished else { return nil }
            let id = state.nextID
            state.nextID += 1
            state.observers[id] = continuation
            return id
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

    func emit(_ event: KafkaRebalanceEvent) {
        for observer in self.state.withLock({ Array($0.observers.values) }) { observer.yield(event) }
    }

    /// Ends every stream: the consumer is closed.
    func finish() {
        let observers = self.state.withLock { state in
            state.finished = true
            defer { state.observers = [:] }
            return Array(state.observers.values)
        }
        for observer in observers { observer.finish() }
    }
}
