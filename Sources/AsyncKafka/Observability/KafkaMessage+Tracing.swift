import Instrumentation
import Tracing

extension KafkaMessage {
    /// The trace context the producer put in the message's headers, extracted by `instrument`
    /// (by default the bootstrapped one) into `context` (by default a new top-level context).
    public func extractTraceContext(
        into context: ServiceContext = .topLevel,
        using instrument: any Instrument = InstrumentationSystem.instrument
    ) -> ServiceContext {
        var context = context
        instrument.extract(self.headers, into: &context, using: KafkaHeadersExtractor())
        return context
    }

    /// Runs `operation` in a span of kind `consumer` that continues the producer's trace.
    ///
    /// ```swift
    /// for try await message in consumer.messages {
    ///     try await message.withSpan { span in
    ///         try await handle(message)   // child spans join the producer's trace
    ///     }
    /// }
    /// ```
    ///
    /// The span's parent is the trace context extracted from the message's headers (or
    /// none); it is named `process <topic>` unless you name it, carries the OpenTelemetry
    /// messaging attributes `messaging.system`, `messaging.destination.name`,
    /// `messaging.operation`, `messaging.kafka.destination.partition` and
    /// `messaging.kafka.message.offset` (never the key or the value), is the current
    /// span while `operation` runs, records a thrown error, and ends when `operation` returns.
    public func withSpan<T>(
        _ operationName: String? = nil,
        tracer: any Tracer = InstrumentationSystem.tracer,
        isolation: isolated (any Actor)? = #isolation,
        _ operation: (any Span) async throws -> T
    ) async rethrows -> T {
        let parent = self.extractTraceContext(using: tracer)
        let span: any Span = tracer.startSpan(operationName ?? "process \(self.topic)", context: parent, ofKind: .consumer)
        defer { span.end() }
        span.attributes["messaging.system"] = "kafka"
        span.attributes["messaging.operation"] = "process"
        span.attributes["messaging.destination.name"] = self.topic
        span.attributes["messaging.kafka.destination.partition"] = self.partition
        span.attributes["messaging.kafka.message.offset"] = self.offset
        do {
            return try await ServiceContext.$current.withValue(span.context) {
                try await operation(span)
            }
        } catch {
            span.recordError(error)
            throw error
        }
    }
}
