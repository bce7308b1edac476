import Synchronization

/// The messages of a ``KafkaConsumer``, as an `AsyncSequence`.
///
/// ```swift
/// for try await message in consumer.messages {
///     print("\(message.topic)[\(message.partition)]@\(message.offset): \(message.valueString ?? "")")
/// }
/// ```
///
/// Messages cross from librdkafka in batches (up to
/// ``KafkaConsumerConfiguration/maxMessagesPerBatch``); the iterator hands them out one
/// by one without any further synchronisation.
///
/// - The sequence can be iterated **once**: a second iterator throws
///   ``KafkaError/Code/alreadyIterating``.
/// - A message counts as *consumed* once the loop asks for the next one
///   (<doc:ConsumingMessages#Offsets-and-commits>).
/// - When the iteration ends, however it ends, the consumer **closes**
///   (<doc:ConsumingMessages#End-the-loop-close-the-consumer>).
/// - A non-retriable error ends the iteration by throwing a ``KafkaError``;
///   retriable ones go to ``KafkaConsumer/errors`` and the stream goes on
///   (<doc:ConsumingMessages#Errors>).
public struct KafkaConsumerMessages: AsyncSequence, Sendable {
    /// A consumed message.
    public typealias Element = KafkaMessage
    /// Iteration throws only ``KafkaError``.
    public typealias Failure = KafkaError

    let engine: ConsumerEngine

    /// Claims the consumer's message stream; only the first iterator receives messages.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(engine: self.engine)
    }

    /// Hands out the messages of one batch after the other.
    public struct AsyncIterator: AsyncIteratorProtocol {
        private var batches: AsyncThrowingStream<StreamElement, any Error>.AsyncIterator?
        @usableFromInline var batch: [KafkaMessage] = []
        @usableFromInline var index = 0
        /// What the inlined fast path checks; the loop's.
        @usableFromInline let signals: IteratorSignals
        /// `signals.changes` when the slow path last looked at the consumer's state.
        @usableFromInline var changesSeen = 0
        private var serial = 0
        private var filterGeneration = 0
        private let lifetime: IterationLifetime

        init(engine: ConsumerEngine) {
            let stream = engine.claimStream()
            self.batches = stream?.makeAsyncIterator()
            self.signals = engine.signals
            self.lifetime = IterationLifetime(engine: engine, ownsStream: stream != nil)
        }

        /// The next message, or `nil` once the consumer is closing or the task is cancelled.
        @inlinable
        public mutating func next(
            isolation actor: isolated (any Actor)? = #isolation
        ) async throws(KafkaError) -> KafkaMessage? {
            // The next message of the batch in hand, inlined into the caller's loop, while
            // nothing changed since the slow path last looked and the task goes on.
            if self.index < self.batch.count,
                self.signals.changes.load(ordering: .acquiring) == self.changesSeen,
                !Task.isCancelled
            {
                // Everything handed out before this call is consumed.
                self.signals.consumed.store(self.index, ordering: .relaxed)
                let message = self.batch[self.index]
                self.index += 1
                return message
            }
            return try await self.nextChecked(isolation: actor)
        }

        /// ``next(isolation:)`` after a look at the consumer's state: stopping, cancelled,
        /// a new partition filter, or the batch in hand used up.
        @usableFromInline
        mutating func nextChecked(
            isolation actor: isolated (any Actor)?
        ) async throws(KafkaError) -> KafkaMessage? {
            let engine = self.lifetime.engine
            // Read first: a change made after this read sends the next call here again.
            self.changesSeen = self.signals.changes.load(ordering: .acquiring)
            // Everything handed out before this call is consumed.
            engine.progress.markConsumed(self.index)
            if engine.isStopping || Task.isCancelled {
                return try self.stop()
            }
            if engine.partitionFilter.generation != self.filterGeneration {
                self.applyNewFilter(engine)
            }
            if self.index < self.batch.count {
                let message = self.batch[self.index]
                self.index += 1
                return message
            }
            return try await self.nextFromStream(isolation: actor)
        }

        /// The next message, or `nil` once the consumer is closing or the task is cancelled.
        @inlinable
        public mutating func next() async throws(KafkaError) -> KafkaMessage? {
            try await self.next(isolation: nil)
        }

        /// Whether this iterator claimed the stream (the first one does).
        var ownsStream: Bool {
            self.lifetime.ownsStream
        }

        /// The rest of the current batch, or the next one, at most `maxCount` messages
        /// (for ``KafkaConsumerBatches``). Everything handed out before is consumed.
        mutating func nextBatch(maxCount: Int, isolation actor: isolated (any Actor)?) async throws(KafkaError) -> [KafkaMessage]? {
            guard let first = try await self.next(isolation: actor) else { return nil }
            let start = self.index - 1
            let end = Swift.min(self.batch.count, start + maxCount)
            // The caller receives the whole chunk: hand it out in one step.
            self.index = end
            if start == 0 && end == self.batch.count { return self.batch }  // the whole batch, shared, not copied
            return end - start == 1 ? [first] : Array(self.batch[start..<end])
        }

        private mutating func nextFromStream(isolation actor: isolated (any Actor)?) async throws(KafkaError) -> KafkaMessage? {
            guard self.batches != nil else {
                if self.lifetime.ownsStream { return nil }
                throw KafkaError(code: .alreadyIterating, message: "the consumer's messages are already being iterated")
            }
            do {
                while let element = try await self.batches!.next(isolation: actor) {
                    let engine = self.lifetime.engine
                    guard case .batch(let next) = element else {
                        if case .rebalance(let step) = element, !engine.isStopping, !Task.isCancelled {
                            // Between two messages, like a rebalance callback inside a poll loop.
                            await step.run(on: engine)
                        }
                        continue
                    }
                    engine.returnCredit()
                    if engine.isStopping || Task.isCancelled { break }
                    var messages = next.messages
                    self.filterGeneration = engine.partitionFilter.generation
                    if self.filterGeneration != 0, let kept = engine.partitionFilter.filtered(messages[...], serial: next.serial) {
                        messages = kept
                    }
                    engine.progress.startBatch(messages, previousConsumed: self.batch.count)
                    self.serial = next.serial
                    self.batch = messages
                    guard !messages.isEmpty else {
                        self.index = 0
                        continue
                    }
                    self.index = 1
                    return messages[0]
                }
            } catch {
                self.end()
                throw error as? KafkaError ?? KafkaError(code: .librdkafka, message: "\(error)")
            }
            return try self.stop()
        }

        /// A seek or a revocation happened: drop the affected messages not yet handed out.
        private mutating func applyNewFilter(_ engine: ConsumerEngine) {
            self.filterGeneration = engine.partitionFilter.generation
            guard self.index < self.batch.count,
                let kept = engine.partitionFilter.filtered(self.batch[self.index...], serial: self.serial)
            else { return }
            engine.progress.startBatch(kept, previousConsumed: self.index)
            self.batch = kept
            self.index = 0
        }

        /// Ends the iteration: with the error that stopped the consumer, if any, else with `nil`.
        private mutating func stop() throws(KafkaError) -> KafkaMessage? {
            let failure = self.batches == nil ? nil : self.lifetime.engine.failure
            self.end()
            if let failure { throw failure }
            return nil
        }

        private mutating func end() {
            self.batches = nil
            self.batch = []
            self.index = 0
            self.lifetime.end()
        }
    }
}

/// Closes the consumer when the iteration ends, however it ends — including
/// when the iterator is simply dropped after a `break`.
final class IterationLifetime: Sendable {
    let engine: ConsumerEngine
    let ownsStream: Bool
    private let ended: Mutex<Bool>

    init(engine: ConsumerEngine, ownsStream: Bool) {
        self.engine = engine
        self.ownsStream = ownsStream
        self.ended = Mutex(!ownsStream)
    }

    func end() {
        let first = self.ended.withLock { ended in
            defer { ended = true }
            return !ended
        }
        if first { self.engine.iterationEnded() }
    }

    deinit {
        self.end()
    }
}
