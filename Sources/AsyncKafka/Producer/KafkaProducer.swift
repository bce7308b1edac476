import Logging

/// A Kafka producer.
///
/// ```swift
/// let producer = try KafkaProducer(configuration: .init(bootstrapServers: "localhost:29092"))
/// let report = try await producer.send(KafkaProducerMessage(topic: "myTopic", key: "k", value: "hello"))
/// print("stored at \(report.topic)[\(report.partition)]@\(report.offset)")
/// await producer.close()
/// ```
///
/// ``send(_:queueTimeout:)`` returns when the broker has acknowledged the message;
/// ``send(contentsOf:queueTimeout:)`` enqueues many messages at once and returns each one's
/// report (the throughput path), and ``enqueue(_:queueTimeout:)`` fires and forgets. When librdkafka's queue is full, both wait for room
/// instead of failing. ``close(timeout:)`` delivers what it can and reports
/// every message it could not deliver to its sender as an error: nothing is
/// dropped silently. A producer that is released without being closed
/// closes in the background.
///
/// The producer is `Sendable`: share one per process.
public final class KafkaProducer: Sendable {
    let engine: ProducerEngine

    /// Creates a producer.
    ///
    /// - Throws: ``KafkaError`` with ``KafkaError/Code/invalidConfiguration`` naming the key
    ///   when librdkafka rejects a property.
    public init(
        configuration: KafkaProducerConfiguration,
        logger: Logger = Logger(label: "AsyncKafka.KafkaProducer")
    ) throws(KafkaError) {
        self.engine = try ProducerEngine(configuration: configuration, logger: logger)
    }

    deinit {
        self.engine.ownerReleased()
    }

    /// Sends `message` and waits for the broker's acknowledgement.
    ///
    /// - Returns: Where the message was stored.
    /// - Throws: ``KafkaError``: ``KafkaError/Code/clientClosed`` after ``close(timeout:)``,
    ///   ``KafkaError/Code/invalidArgument`` for a bad topic or partition,
    ///   ``KafkaError/Code/messageTooLarge``, ``KafkaError/Code/deliveryFailed`` (or a
    ///   more specific code) when the broker did not take it, ``KafkaError/Code/purged`` when
    ///   the producer closed before it could be delivered, ``KafkaError/Code/cancelled`` when the
    ///   task is cancelled while it waits for room in librdkafka's queue,
    ///   ``KafkaError/Code/timedOut`` (librdkafka code ``KafkaError/LibrdkafkaCode/queueFull``)
    ///   when there was no room within `queueTimeout`.
    ///
    /// - Parameters:
    ///   - message: The message to send.
    ///   - queueTimeout: How long to wait for room when librdkafka's queue is full
    ///     (`queue.buffering.max.messages` / `.kbytes`); `nil` (the default) waits until there is.
    ///
    /// Once librdkafka has taken the message it cannot be recalled, so from then
    /// on cancelling the task does not end the wait for the acknowledgement.
    ///
    /// Runs on the caller's actor (`nonisolated(nonsending)`): enqueueing never blocks,
    /// so a loop of sends on the main actor or any other actor pays no executor hop per message.
    @discardableResult
    nonisolated(nonsending) public func send(
        _ message: KafkaProducerMessage,
        queueTimeout: Duration? = nil
    ) async throws(KafkaError) -> KafkaDeliveryReport {
        let deadline = queueTimeout.map { ContinuousClock.now + $0 }
        if self.engine.injectsTraceContext, let traced = message.withCurrentTraceContext() {
            return try await self.sendAsIs(traced, deadline: deadline)
        }
        return try await self.sendAsIs(message, deadline: deadline)
    }

    /// ``send(_:queueTimeout:)`` of `message` as it is (with its trace context, if any, already injected).
    @inline(__always)
    nonisolated(nonsending) private func sendAsIs(
        _ message: borrowing KafkaProducerMessage,
        deadline: ContinuousClock.Instant?
    ) async throws(KafkaError) -> KafkaDeliveryReport {
        self.engine.reportWaiterArrived()
        defer { self.engine.reportWaiterLeft() }
        let batch = DeliveryBatch(count: 1)
        while case .queueFull(let generation) = try self.engine.enqueue(
            message,
            opaque: batch.opaque(for: 0)
        ) {
            try await self.waitForSpace(after: generation, deadline: deadline)
        }
        await batch.waitForAll()
        return try batch.result(0, topic: message.topic).get()
    }

    /// Enqueues `message` without waiting for its delivery (fire and forget).
    ///
    /// Returns once librdkafka has taken the message, waiting for room if its
    /// queue is full. A delivery failure is logged. Use ``flush(timeout:)`` to
    /// wait for everything enqueued.
    /// - Throws: as ``send(_:queueTimeout:)``, for what can go wrong before the message is enqueued.
    /// - Parameters:
    ///   - message: The message to enqueue.
    ///   - queueTimeout: As in ``send(_:queueTimeout:)``.
    ///
    /// Runs on the caller's actor, like ``send(_:queueTimeout:)``: a loop of `enqueue` calls on the main
    /// actor costs what it costs anywhere else, with no hop off the actor and back per call
    /// (the benchmark's *isolation* row for `enqueue` measures it).
    nonisolated(nonsending) public func enqueue(_ message: KafkaProducerMessage, queueTimeout: Duration? = nil) async throws(KafkaError) {
        let deadline = queueTimeout.map { ContinuousClock.now + $0 }
        if self.engine.injectsTraceContext, let traced = message.withCurrentTraceContext() {
            return try await self.enqueueAsIs(traced, deadline: deadline)
        }
        try await self.enqueueAsIs(message, deadline: deadline)
    }

    /// ``enqueue(_:queueTimeout:)`` of `message` as it is (with its trace context, if any, already injected).
    @inline(__always)
    nonisolated(nonsending) private func enqueueAsIs(
        _ message: borrowing KafkaProducerMessage,
        deadline: ContinuousClock.Instant?
    ) async throws(KafkaError) {
        while case .queueFull(let generation) = try self.engine.enqueue(message, opaque: nil) {
            try await self.waitForSpace(after: generation, deadline: deadline)
        }
    }

    /// Waits for room in librdkafka's queue (the caller then tries again); throws when the task
    /// is cancelled or `deadline` passes, before or while it waits.
    nonisolated(nonsending) func waitForSpace(after generation: Int, deadline: ContinuousClock.Instant?) async throws(KafkaError) {
        try Self.checkWait(deadline)
        await self.engine.waitForSpace(after: generation, deadline: deadline)
        try Self.checkWait(deadline)
    }

    private static func checkWait(_ deadline: ContinuousClock.Instant?) throws(KafkaError) {
        guard !Task.isCancelled else {
            throw KafkaError(code: .cancelled, message: "cancelled while waiting for room in the producer queue")
        }
        if let deadline, ContinuousClock.now >= deadline {
            throw KafkaError(
                code: .timedOut,
                message: "no room in the producer queue in time (queue.buffering.max.messages / .kbytes)",
                librdkafkaCode: .queueFull
            )
        }
    }

    /// How many messages are waiting for delivery: in librdkafka's queue or in flight to a broker
    /// (plus pending delivery reports and other events). `0` once closed.
    public var queuedMessageCount: Int {
        self.engine.queuedMessageCount
    }

    /// Waits until every message enqueued so far is delivered or has failed.
    ///
    /// - Throws: ``KafkaError/Code/timedOut`` when messages are still in flight after `timeout`.
    public func flush(timeout: Duration = .seconds(30)) async throws(KafkaError) {
        try await self.engine.flush(timeout: timeout)
    }

    /// Closes the producer: delivers what it can within `timeout`, then purges the rest —
    /// each waiting ``send(_:queueTimeout:)`` throws ``KafkaError/Code/purged`` — and frees the handle.
    ///
    /// Idempotent: later calls wait until the producer is closed.
    public func close(timeout: Duration = .seconds(30)) async {
        await self.engine.close(timeout: timeout)
    }
}
