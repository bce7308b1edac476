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
/// ``KafkaConsumerConfiguration/batchSize``); the iterator hands them out one
/// by one without any further synchronisation, so iterating costs about as
/// much as a plain C poll loop.
///
/// - The sequence can be iterated **once**: a second iterator throws
///   ``KafkaError/Code/alreadyIterating``.
/// - When the iteration ends — the loop finishes, `break`s, throws, or its task
///   is cancelled — the consumer **closes**: the offsets of the messages the
///   loop received are committed (with auto-commit on), the consumer leaves its
///   group and frees its resources. `await consumer.close()` waits for that.
/// - A non-retriable error ends the iteration by throwing a ``KafkaError``;
///   retriable ones (a broker going away, say) are logged and the stream goes on.
public struct KafkaConsumerMessages: AsyncSequence, Sendable {
    public typealias Element = KafkaMessage
    public typealias Failure = any Error

    let loop: ConsumerEventLoop

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(loop: self.loop)
    }

    /// Hands out the messages of one batch after the other.
    public struct AsyncIterator: AsyncIteratorProtocol {
        private var batches: AsyncThrowingStream<[KafkaMessage], any Error>.AsyncIterator?
        private var batch: [KafkaMessage] = []
        private var index = 0
        private let lifetime: IterationLifetime

        init(loop: ConsumerEventLoop) {
            let stream = loop.claimStream()
            self.batches = stream?.makeAsyncIterator()
            self.lifetime = IterationLifetime(loop: loop, ownsStream: stream != nil)
        }

        /// The next message, or `nil` when the consumer closed or the task was cancelled.
        public mutating func next(isolation actor: isolated (any Actor)? = #isolation) async throws -> KafkaMessage? {
            if self.index < self.batch.count {
                let message = self.batch[self.index]
                self.index += 1
                self.lifetime.loop.progress.markHandedOut(self.index)
                return message
            }
            return try await self.nextBatch(isolation: actor)
        }

        /// The next message, or `nil` when the consumer closed or the task was cancelled.
        public mutating func next() async throws -> KafkaMessage? {
            try await self.next(isolation: nil)
        }

        private mutating func nextBatch(isolation actor: isolated (any Actor)?) async throws -> KafkaMessage? {
            guard self.batches != nil else {
                if self.lifetime.ownsStream { return nil }
                throw KafkaError(code: .alreadyIterating, message: "the consumer's messages are already being iterated")
            }
            do {
                while let next = try await self.batches!.next(isolation: actor) {
                    self.lifetime.loop.returnCredit()
                    guard !next.isEmpty else { continue }
                    self.lifetime.loop.progress.startBatch(next)
                    self.batch = next
                    self.index = 1
                    self.lifetime.loop.progress.markHandedOut(1)
                    return next[0]
                }
            } catch {
                self.end()
                throw error
            }
            self.end()
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
    let loop: ConsumerEventLoop
    let ownsStream: Bool
    private let ended: Mutex<Bool>

    init(loop: ConsumerEventLoop, ownsStream: Bool) {
        self.loop = loop
        self.ownsStream = ownsStream
        self.ended = Mutex(!ownsStream)
    }

    func end() {
        let first = self.ended.withLock { ended in
            defer { ended = true }
            return !ended
        }
        if first { self.loop.iterationEnded() }
    }

    deinit {
        self.end()
    }
}
