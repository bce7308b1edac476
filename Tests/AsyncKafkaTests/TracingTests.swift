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
        let cluster = try EmbeddedKafkaCluster()
        let topic = Unique.name("tracing")
        try cluster.createTopic(topic, partitions: 1)
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration())
        let sendSpan = try await tracer.withSpan("send", ofKind: .producer) { span in
            var message = KafkaProducerMessage(topic: topic, partition: 0, value: "traced")
            message.injectTraceContext(using: tracer)
            message.injectTraceContext(using: tracer)  // idempotent: no duplicate headers
            try await producer.send(message)
            return span.spanContext
        }
        await producer.close()

        let consumer = try KafkaConsumer(configuration: cluster.consumerConfiguration())
        try await consumer.assign([KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)])
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
