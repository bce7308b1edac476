import Logging
import Synchronization

/// Hands a client's statistics to its observers: streams (``KafkaConsumer/statistics``,
/// ``KafkaProducer/statistics``) and synchronous reporters (``KafkaStatisticsMetrics``).
///
/// librdkafka's statistics callback calls ``emit(json:logger:)`` on the client thread; the
/// JSON is decoded only when someone observes. ``finish()`` ends every stream when the
/// client is destroyed.
final class StatisticsBroadcaster: Sendable {
    private struct State {
        var streams: [Int: AsyncStream<KafkaStatistics>.Continuation] = [:]
        var reporters: [Int: @Sendable (KafkaStatistics) -> Void] = [:]
        var nextID = 0
        var finished = false
    }

    private let state = Mutex(State())

    /// A new stream of the snapshots from now on (the newest 16 are kept for a slow reader).
    func subscribe() -> AsyncStream<KafkaStatistics> {
        let (stream, continuation) = AsyncStream<KafkaStatistics>.makeStream(bufferingPolicy: .bufferingNewest(16))
        self.register(continuation)
        return stream
    }

    /// Adds `continuation` as a stream observer, or finishes it when the client is gone.
    func register(_ continuation: AsyncStream<KafkaStatistics>.Continuation) {
        let id = self.state.withLock { state -> Int? in
            guard !state.finished else { return nil }
            defer { state.nextID += 1 }
            state.streams[state.nextID] = continuation
            return state.nextID
        }
        guard let id else {
            continuation.finish()
            return
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.streams.removeValue(forKey: id) }
        }
    }

    /// Adds a reporter, called on the client thread with every snapshot until the client is destroyed.
    func addReporter(_ reporter: @escaping @Sendable (KafkaStatistics) -> Void) {
        self.state.withLock { state in
            guard !state.finished else { return }
            state.reporters[state.nextID] = reporter
            state.nextID += 1
        }
    }

    /// Decodes `json` and hands it to every observer. On the client thread.
    func emit(json: UnsafeRawBufferPointer, logger: Logger) {
        let (streams, reporters) = self.state.withLock { (Array($0.streams.values), Array($0.reporters.values)) }
        guard !streams.isEmpty || !reporters.isEmpty else { return }
        let statistics: KafkaStatistics
        do {
            statistics = try KafkaStatistics(json: json)
        } catch {
            logger.debug("librdkafka statistics not decoded", metadata: ["kafka.error": "\(error)"])
            return
        }
        for reporter in reporters { reporter(statistics) }
        for stream in streams { stream.yield(statistics) }
    }

    /// Ends every stream and drops the reporters: the client is destroyed.
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
