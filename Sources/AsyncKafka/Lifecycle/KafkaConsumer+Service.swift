import ServiceLifecycle

extension KafkaConsumer: Service {
    /// Runs the consumer as a swift-service-lifecycle `Service`: waits until graceful
    /// shutdown (for example on SIGTERM in a `ServiceGroup`), then closes the consumer —
    /// the offsets of what was consumed are committed (with auto-commit on), the consumer
    /// leaves its group, and the iteration of ``messages`` ends at its next message.
    ///
    /// ```swift
    /// let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
    /// try await consumer.subscribe(to: ["orders"])
    /// let group = ServiceGroup(
    ///     services: [consumer, OrderProcessor(consumer: consumer)],
    ///     gracefulShutdownSignals: [.sigterm],
    ///     logger: logger
    /// )
    /// try await group.run()
    /// ```
    ///
    /// A `ServiceGroup` shuts its services down in reverse order: list the consumer
    /// *before* the service that iterates its messages, so that the consumer closes
    /// first and ends that service's `for try await` loop cleanly.
    ///
    /// When the consumer closes for another reason while the group runs (its message loop
    /// ended, ``close()`` was called), `run()` does not return: a service that returns makes a
    /// `ServiceGroup` (with its default `.cancelGroup`) shut every other service down. It
    /// returns at graceful shutdown, or when its task is cancelled (it then closes the
    /// consumer). Using the consumer as a `Service` is optional.
    ///
    /// - Throws: The ``KafkaError`` that stopped the consumer, if an error did (at once: the
    ///   group decides what a failed service means).
    public nonisolated func run() async throws {
        let engine = self.engine
        await withGracefulShutdownHandler {
            // The stream of rebalance events ends when the consumer has closed (or the task is cancelled).
            for await _ in self.rebalanceEvents {}
        } onGracefulShutdown: {
            engine.requestClose()
        }
        await self.close()
        if let failure = engine.failure { throw failure }
        // Closed: wait for the group's shutdown (at once if it caused the close); a cancellation ends the wait.
        try? await gracefulShutdown()
    }
}
