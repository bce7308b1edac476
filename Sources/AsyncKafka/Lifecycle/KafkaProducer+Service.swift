import ServiceLifecycle

extension KafkaProducer: Service {
    /// Runs the producer as a swift-service-lifecycle `Service`: waits until graceful
    /// shutdown (for example on SIGTERM in a `ServiceGroup`) or cancellation, then closes
    /// the producer with ``close(timeout:)``, which delivers every message still queued
    /// (within the default 30 seconds) before it frees the producer.
    ///
    /// ```swift
    /// let producer = try KafkaProducer(configuration: configuration, logger: logger)
    /// let group = ServiceGroup(
    ///     services: [producer, HTTPServer(producer: producer)],
    ///     gracefulShutdownSignals: [.sigterm],
    ///     logger: logger
    /// )
    /// try await group.run()
    /// ```
    ///
    /// A `ServiceGroup` shuts its services down in reverse order: list the producer
    /// *before* the services that send with it, so that they stop sending first and the
    /// producer then flushes what they sent. Using the producer as a `Service` is optional.
    public func run() async throws {
        // Returns on graceful shutdown; throws when the task is cancelled: close in both cases.
        try? await gracefulShutdown()
        await self.close()
    }
}
