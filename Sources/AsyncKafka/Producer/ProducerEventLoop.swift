import CAsyncKafkaShim
import CRdKafka
import Logging
import Synchronization

/// The producer's engine: owns the `rd_kafka_t`, enqueues messages, and serves
/// delivery reports on a dedicated ``ClientThread``.
///
/// Enqueueing (`rd_kafka_produceva`) never blocks, so it runs on the sender's
/// thread under ``state``'s lock, which also keeps the handle alive while it
/// is used. Everything that blocks — serving the main queue, flush, purge,
/// destroy — runs on ``thread``.
final class ProducerEventLoop: @unchecked Sendable {
    let thread = ClientThread()
    let logger: Logger
    let handle: KafkaHandle
    /// librdkafka's main queue, where delivery reports, errors and logs arrive.
    private let mainQueue: OpaquePointer
    let state = Mutex(ProducerStateMachine())

    init(configuration: KafkaProducerConfiguration, logger: Logger) throws(KafkaError) {
        var properties = configuration.properties
        properties["log.queue"] = "true"
        let conf = try RdKafkaConfiguration.make(properties)
        self.logger = logger
        ProducerCallbacks.install(on: conf)
        // The handle's opaque must be `self`, which exists only once every stored property is set:
        // a context box bridges the gap.
        let context = ProducerCallbacks.Context()
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(context).toOpaque())
        self.handle = try KafkaHandle(type: RD_KAFKA_PRODUCER, conf: conf)
        self.mainQueue = rd_kafka_queue_get_main(self.handle.pointer)!
        self.context = context
        context.loop = self
        _ = rd_kafka_set_log_queue(self.handle.pointer, nil)
        rd_kafka_queue_cb_event_enable(
            self.mainQueue,
            ProducerCallbacks.queueBecameReadable,
            Unmanaged.passUnretained(self.thread).toOpaque()
        )
        do {
            try self.thread.start { [self] in self.serve() }
        } catch {
            self.destroy()
            throw error
        }
    }

    /// Keeps the callbacks' context alive as long as the handle.
    private let context: ProducerCallbacks.Context

    // MARK: Enqueueing (any thread)

    /// What became of an attempt to enqueue.
    enum EnqueueResult {
        case queued
        /// librdkafka's queue is full; wait for room with ``waitForSpace(after:)``.
        case queueFull(generation: Int)
    }

    /// Enqueues `message` with `opaque` (a retained ``DeliveryPromise`` or `nil`). Never blocks.
    func enqueue(_ message: KafkaProducerMessage, opaque: UnsafeMutableRawPointer?) throws(KafkaError) -> EnqueueResult {
        try Self.validate(message)
        let rk = self.handle.pointer
        return try self.state.withLock { state throws(KafkaError) -> EnqueueResult in
            guard state.state == .running else { throw KafkaError.clientClosed("the producer") }
            let topic = try Self.topicHandle(message.topic, rk, &state)
            let headers = Self.makeHeaders(message.headers)
            let error = Self.produce(message, topic: topic, headers: headers, handle: rk, opaque: opaque)
            guard let error else { return .queued }
            if let headers { rd_kafka_headers_destroy(headers) }
            if rd_kafka_error_code(error) == RD_KAFKA_RESP_ERR__QUEUE_FULL {
                rd_kafka_error_destroy(error)
                return .queueFull(generation: state.deliveryGeneration)
            }
            throw KafkaError.consuming(error, context: "produce to \(message.topic)")
        }
    }

    /// `rd_kafka_outq_len`, or 0 once closed.
    var queuedMessageCount: Int {
        let rk = self.handle.pointer
        return self.state.withLock { state in
            state.state == .closed ? 0 : Int(rd_kafka_outq_len(rk))
        }
    }

    /// Waits until delivery reports have freed room since `generation` (or the producer closes).
    func waitForSpace(after generation: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let waiting = self.state.withLock { $0.waitForSpace(after: generation, continuation) }
            if !waiting { continuation.resume() }
        }
    }

    private static func validate(_ message: KafkaProducerMessage) throws(KafkaError) {
        guard !message.topic.isEmpty else {
            throw KafkaError(code: .invalidArgument, message: "a message needs a topic name")
        }
        if let partition = message.partition, partition < 0 || partition > Int(Int32.max) {
            throw KafkaError(code: .invalidArgument, message: "invalid partition \(partition) for \(message.topic)")
        }
    }

    private static func topicHandle(
        _ name: String,
        _ rk: OpaquePointer,
        _ state: inout ProducerStateMachine
    ) throws(KafkaError) -> OpaquePointer {
        if let topic = state.topics[name] { return topic.pointer }
        guard let topic = rd_kafka_topic_new(rk, name, nil) else {
            throw KafkaError(code: .invalidArgument, message: "librdkafka rejected the topic name \"\(name)\"")
        }
        state.topics[name] = TopicHandle(pointer: topic)
        return topic
    }

    private static func makeHeaders(_ headers: [KafkaHeader]) -> OpaquePointer? {
        guard !headers.isEmpty else { return nil }
        let list = rd_kafka_headers_new(headers.count)!
        for header in headers {
            if let value = header.value {
                value.withUnsafeBytes { bytes in
                    _ = rd_kafka_header_add(list, header.name, -1, bytes.baseAddress, bytes.count)
                }
            } else {
                _ = rd_kafka_header_add(list, header.name, -1, nil, 0)
            }
        }
        return list
    }

    private static func produce(
        _ message: KafkaProducerMessage,
        topic: OpaquePointer,
        headers: OpaquePointer?,
        handle: OpaquePointer,
        opaque: UnsafeMutableRawPointer?
    ) -> OpaquePointer? {
        let partition = message.partition.map { Int32($0) } ?? -1  // RD_KAFKA_PARTITION_UA
        let timestamp = message.timestamp?.millisecondsSince1970 ?? 0
        return Self.withOptionalBytes(message.value) { value in
            Self.withOptionalBytes(message.key) { key in
                asynckafka_produce(
                    handle, topic, partition,
                    value == nil ? 0 : 1, value?.baseAddress, value?.count ?? 0,
                    key == nil ? 0 : 1, key?.baseAddress, key?.count ?? 0,
                    headers, timestamp, opaque
                )
            }
        }
    }

    private static func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
        guard let bytes else { return body(nil) }
        return bytes.withUnsafeBytes { body($0) }
    }

    // MARK: Serving (the thread)

    private func serve() -> ClientThread.Sleep {
        guard self.state.withLock({ $0.state != .closed }) else { return .untilWoken }
        self.serveMainQueue()
        return .untilWoken
    }

    /// Serves delivery reports, errors and logs until the main queue is empty, then wakes blocked senders.
    func serveMainQueue() {
        var served = 0
        while true {
            let count = Int(rd_kafka_poll(self.handle.pointer, 0))
            guard count > 0 else { break }
            served += count
        }
        if served > 0 {
            for waiter in self.state.withLock({ $0.deliveriesServed() }) { waiter.resume() }
        }
    }

    /// Destroys the handle and its topics. On the thread (or during a failed init).
    func destroy() {
        let topics = self.state.withLock { state in
            defer { state.topics = [:] }
            return Array(state.topics.values)
        }
        for topic in topics { rd_kafka_topic_destroy(topic.pointer) }
        rd_kafka_queue_cb_event_enable(self.mainQueue, nil, nil)
        rd_kafka_queue_destroy(self.mainQueue)
        self.handle.destroy()
    }
}
