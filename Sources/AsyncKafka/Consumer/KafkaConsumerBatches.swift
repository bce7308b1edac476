/// The messages of a ``KafkaConsumer`` in batches, as an `AsyncSequence` of arrays.
///
/// ```swift
/// for try await batch in consumer.batches(maxCount: 500, maxWait: .milliseconds(50)) {
///     try await database.insert(batch)
/// }
/// ```
///
/// Made by ``KafkaConsumer/batches(maxCount:maxWait:)``. It shares everything
/// with ``KafkaConsumerMessages`` — it is another view of the same stream, and
/// only one of the two can be iterated: a batch counts as consumed once the
/// loop asks for the next one, ending the iteration closes the consumer, and
/// a rebalance handler runs between two batches.
public struct KafkaConsumerBatches: AsyncSequence, Sendable {
    /// A batch of consumed messages, in order per partition; never empty.
    public typealias Element = [KafkaMessage]
    /// Iteration throws only ``KafkaError``.
    public typealias Failure = KafkaError

    let engine: ConsumerEngine
    let maxCount: Int
    let maxWait: Duration

    /// Claims the consumer's message stream; only the first iterator receives messages.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(messages: KafkaConsumerMessages(engine: self.engine), maxCount: self.maxCount, maxWait: self.maxWait)
    }

    /// Hands out one batch after the other.
    public struct AsyncIterator: AsyncIteratorProtocol {
        private var messages: KafkaConsumerMessages.AsyncIterator
        private let maxCount: Int

        init(messages: KafkaConsumerMessages, maxCount: Int, maxWait: Duration) {
            self.maxCount = Swift.max(1, maxCount)
            self.messages = messages.makeAsyncIterator()
            if self.messages.ownsStream {
                let count = self.maxCount
                messages.engine.submit { engine in engine.configureBatching(maxCount: count, maxWait: maxWait) }
            }
        }

        /// The next batch, or `nil` once the consumer is closing or the task is cancelled.
        public mutating func next(
            isolation actor: isolated (any Actor)? = #isolation
        ) async throws(KafkaError) -> [KafkaMessage]? {
            try await self.messages.nextBatch(maxCount: self.maxCount, isolation: actor)
        }

        /// The next batch, or `nil` once the consumer is closing or the task is cancelled.
        public mutating func next() async throws(KafkaError) -> [KafkaMessage]? {
            try await self.next(isolation: nil)
        }
    }
}

extension KafkaConsumer {
    /// The consumed messages in batches of at most `maxCount`: each batch holds what
    /// has arrived, and waits up to `maxWait` after its first message for more.
    ///
    /// A view of the same stream as ``messages``: iterate one or the other, once.
    public nonisolated func batches(maxCount: Int = 1024, maxWait: Duration = .zero) -> KafkaConsumerBatches {
        KafkaConsumerBatches(engine: self.engine, maxCount: maxCount, maxWait: maxWait)
    }
}
