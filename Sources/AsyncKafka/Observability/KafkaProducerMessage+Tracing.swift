import Instrumentation
import Tracing

extension KafkaProducerMessage {
    /// Adds the trace context of `context` (by default the task's current `ServiceContext`) to
    /// the message's headers, through `instrument` (by default the bootstrapped one).
    ///
    /// With a W3C tracer (such as swift-otel's) this writes `traceparent` (and
    /// `tracestate`); what is written is up to the instrument. Without a context, or with
    /// the default no-op instrument, the headers are left alone.
    ///
    /// ```swift
    /// var message = KafkaProducerMessage(topic: "orders", value: payload)
    /// message.injectTraceContext()
    /// try await producer.send(message)
    /// ```
    public mutating func injectTraceContext(
        _ context: ServiceContext? = .current,
        using instrument: any Instrument = InstrumentationSystem.instrument
    ) {
        guard let context else { return }
        instrument.inject(context, into: &self.headers, using: KafkaHeadersInjector())
    }

    /// A copy of the message with the current trace context in its headers, or `nil` when the
    /// task has none: the caller then sends the message itself, without copying it (a copy
    /// retains each of its fields).
    func withCurrentTraceContext() -> KafkaProducerMessage? {
        guard let context = ServiceContext.current else { return nil }
        var message = self
        message.injectTraceContext(context)
        return message
    }
}

extension [KafkaProducerMessage] {
    /// The messages with the current trace context in their headers; the array itself when the task has none.
    func withCurrentTraceContext() -> [KafkaProducerMessage] {
        guard let context = ServiceContext.current else { return self }
        let instrument = InstrumentationSystem.instrument
        return self.map { message in
            var message = message
            message.injectTraceContext(context, using: instrument)
            return message
        }
    }
}
