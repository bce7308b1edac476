import AsyncKafka
import AsyncKafkaTesting
import InMemoryTracing
import Tracing
import Testing

@Suite("swift-distributed-tracing")
struct TracingTests {
    struct Failure: Error {}

    @Test("the trace context round-trips through message headers: the consumer's span continues the producer's trace")
    func roundTrip() async throws {
        let tracer = InMemoryTracer()
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("tracing")
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration())
        let sendSpan = try await tracer.withSpan("send", ofKind: .producer) { span in
            var message = KafkaProducerMessage(topic: topic, partition: 0, value: "traced")
            message.injectTraceContext(using: tracer)
            message.injectTraceContext(using: tracer)  // idempotent: no duplicate headers
            try await producer.send(message)
            return span.spanContext
        }
        await producer.close()

        let consumer = try await KafkaConsumer.assigned(
            to: [KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)], configuration: cluster.consumerConfiguration())
        let message = try #require(try await collect(1, from: consumer).first)
        await consumer.close()
        #expect(message.headers.filter { $0.name == InMemoryTracer.traceIDKey }.count == 1)
        #expect(message.extractTraceContext(using: tracer).inMemorySpanContext?.traceID == sendSpan.traceID)

        let inner = await message.withSpan(tracer: tracer) { span in
            // The span is current while the operation runs.
            ServiceContext.current?.inMemorySpanContext?.spanID
        }
        let finished = tracer.popFinishedSpans().first { $0.operationName == "process \(topic)" }
        let span = try #require(finished)
        #expect(span.kind == .consumer)
        #expect(span.traceID == sendSpan.traceID)
        #expect(span.parentSpanID == sendSpan.spanID)
        #expect(inner == span.spanID)
        #expect(span.attributes["messaging.system"]?.toSpanAttribute() == .string("kafka"))
        #expect(span.attributes["messaging.destination.name"]?.toSpanAttribute() == .string(topic))
        #expect(span.attributes["messaging.kafka.message.offset"]?.toSpanAttribute() == .int64(0))
    }

    @Test("withSpan records a thrown error and still ends the span; no context means a new trace")
    func errorsAndMissingContext() async throws {
        let tracer = InMemoryTracer()
        let message = KafkaMessage(topic: "t", partition: 1, offset: 9, value: KafkaBytes(Array("x".utf8)))
        await #expect(throws: Failure.self) {
            try await message.withSpan("handle", tracer: tracer) { _ in throw Failure() }
        }
        let span = try #require(tracer.popFinishedSpans().first)
        #expect(span.operationName == "handle")
        #expect(span.parentSpanID == nil)
        #expect(span.errors.count == 1)
    }

    @Test("without a current context, injecting leaves the headers alone")
    func noContext() {
        var message = KafkaProducerMessage(topic: "t", value: "v")
        message.injectTraceContext(nil, using: InMemoryTracer())
        #expect(message.headers.isEmpty)
    }
}

/// The producer's automatic trace context, with the process's instrument bootstrapped (once,
/// here: no other test reads the global instrument, and outside a `ServiceContext` it injects nothing).
@Suite("Automatic trace context")
struct AutomaticTraceContextTests {
    static let tracer: InMemoryTracer = {
        let tracer = InMemoryTracer()
        InstrumentationSystem.bootstrap(tracer)
        return tracer
    }()

    @Test("send writes the task's trace context into the headers, unless injectsTraceContext is off", arguments: [true, false])
    func automaticInjection(injects: Bool) async throws {
        let tracer = Self.tracer
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("autotrace")
        var configuration = cluster.producerConfiguration()
        configuration.injectsTraceContext = injects
        let producer = try KafkaProducer(configuration: configuration)
        try await tracer.withSpan("request") { _ in
            try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "one"))
            try await producer.enqueue(KafkaProducerMessage(topic: topic, partition: 0, value: "two"))
            for result in await producer.send(contentsOf: [KafkaProducerMessage(topic: topic, partition: 0, value: "three")]) {
                _ = try result.get()
            }
        }
        try await producer.flush()
        await producer.close()

        let consumer = try await KafkaConsumer.assigned(
            to: [KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)], configuration: cluster.consumerConfiguration())
        let messages = try await collect(3, from: consumer)
        await consumer.close()
        for message in messages {
            #expect(message.headers.contains { $0.name == InMemoryTracer.traceIDKey } == injects, "\(message.headers)")
        }
    }
}
