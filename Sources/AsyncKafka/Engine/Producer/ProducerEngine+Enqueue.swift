import CAsyncKafkaShim
import CRdKafka

/// Enqueueing: runs on the sender's thread, under the state lock (which keeps the handle alive). Never blocks.
extension ProducerEngine {
    /// What became of an attempt to enqueue one message.
    enum EnqueueResult {
        case queued
        /// librdkafka's queue is full; wait for room with ``waitForSpace(after:deadline:)``.
        case queueFull(generation: Int)
    }

    /// Enqueues `message` with `opaque` (a ``DeliveryBatch`` slot, or `nil` when nobody waits for the report).
    func enqueue(_ message: borrowing KafkaProducerMessage, opaque: UnsafeMutableRawPointer?) throws(KafkaError) -> EnqueueResult {
        // Through the message's address: borrowed, not copied (a copy retains each of its fields).
        try withUnsafePointer(to: message) { message throws(KafkaError) in try self.enqueue(at: message, opaque: opaque) }
    }

    private func enqueue(
        at message: UnsafePointer<KafkaProducerMessage>, opaque: UnsafeMutableRawPointer?
    ) throws(KafkaError) -> EnqueueResult {
        try Self.validate(message)
        let rk = self.handle.pointer
        // Read before trying: reports served after this read make a full queue worth a retry.
        let generation = self.reportServing.generation.load(ordering: .sequentiallyConsistent)
        var served = false
        // Also when the second attempt below throws: senders waiting for room must hear of the reports.
        defer { if served { self.deliveriesServed() } }
        return try self.state.withLock { state throws(KafkaError) -> EnqueueResult in
            guard state.state == .running else { throw KafkaError.clientClosed("the producer") }
            let result = try Self.enqueueLocked(message, opaque: opaque, generation: generation, rk, &state)
            if case .queueFull = result, Self.serveReadyReports(rk, &state) {
                // Serving what was ready freed room (and the messages on this thread): try once more.
                served = true
                return try Self.enqueueLocked(message, opaque: opaque, generation: generation, rk, &state)
            }
            if opaque == nil {
                self.reportServing.countUnawaitedEnqueue()
            }
            // Every so many messages, serve the ready delivery reports here (see serveReadyReports).
            state.enqueuedSinceServe += 1
            if state.enqueuedSinceServe >= Self.messagesPerServe { served = Self.serveReadyReports(rk, &state) }
            return result
        }
    }

    /// How far ``enqueue(_:from:into:)`` got.
    enum BatchProgress {
        /// Every message from the start index on is enqueued or failed.
        case finished
        /// librdkafka's queue was full at message `next`, which is not enqueued.
        case queueFull(next: Int, generation: Int)
        /// The producer is closing: message `next` and the ones after it were not enqueued.
        case closed(next: Int)
    }

    /// The most messages enqueued per hold of the lock, so that a sender closing the producer
    /// (which takes the lock) is never kept waiting long.
    static let messagesPerLock = 512

    /// Enqueues `messages[start...]` into `batch`, message `i` with slot `i`. A message that
    /// cannot be enqueued gets its error in its slot; the others are not affected.
    func enqueue(_ messages: [KafkaProducerMessage], from start: Int, into batch: DeliveryBatch) -> BatchProgress {
        let rk = self.handle.pointer
        self.reportServing.batchSenderEntered()
        defer { if self.reportServing.batchSenderLeft() { self.thread.wake() } }
        return messages.withUnsafeBufferPointer { messages in
            guard let base = messages.baseAddress else { return .finished }
            var index = start
            while index < messages.count {
                let end = min(messages.count, index + Self.messagesPerLock)
                let generation = self.reportServing.generation.load(ordering: .sequentiallyConsistent)
                let (stop, served) = self.state.withLock { state -> (BatchProgress?, Bool) in
                    guard state.state == .running else { return (.closed(next: index), false) }
                    var served = false
                    while index < end {
                        // Through the element's address: borrowed, not copied (`buffer[i]` copies).
                        let message = base + index
                        do throws(KafkaError) {
                            try Self.validate(message)
                            let result = try Self.enqueueLocked(
                                message, opaque: batch.opaque(for: index), generation: generation, rk, &state
                            )
                            if case .queueFull(let generation) = result {
                                // Serve what is ready here first (a C producer polls when the queue
                                // is full): it frees room, and the messages on this thread.
                                if Self.serveReadyReports(rk, &state) {
                                    served = true
                                    continue
                                }
                                return (.queueFull(next: index, generation: generation), served)
                            }
                        } catch {
                            batch.fail(index, error)
                        }
                        index += 1
                    }
                    return (nil, Self.serveReadyReports(rk, &state) || served)
                }
                if served { self.deliveriesServed() }
                if let stop { return stop }
            }
            return .finished
        }
    }

    /// How many single enqueues pass between two ``serveReadyReports(_:_:)`` on the sender's thread.
    static let messagesPerServe = 64

    /// Serves the delivery reports that are ready, on the sender's thread, as a C producer
    /// calls `rd_kafka_poll(rk, 0)` as it produces: librdkafka then frees each reported
    /// message on the thread that allocated it, not across threads (which cost the producer's
    /// thread a third of its time). Non-blocking; the state lock is held, which keeps the
    /// handle alive. Returns whether any were served (then call ``deliveriesServed()`` after
    /// unlocking).
    private static func serveReadyReports(_ rk: OpaquePointer, _ state: inout StateMachine) -> Bool {
        state.enqueuedSinceServe = 0
        return rd_kafka_poll(rk, 0) > 0
    }

    /// Enqueues one message. The state lock is held. `generation` is the delivery generation
    /// read before the attempt, returned with ``EnqueueResult/queueFull(generation:)``.
    private static func enqueueLocked(
        _ message: UnsafePointer<KafkaProducerMessage>,
        opaque: UnsafeMutableRawPointer?,
        generation: Int,
        _ rk: OpaquePointer,
        _ state: inout StateMachine
    ) throws(KafkaError) -> EnqueueResult {
        let topic = try state.topics.handle(for: message.pointee.topic, rk)
        let headers = message.pointee.headers.isEmpty ? nil : try Self.makeHeaders(message.pointee.headers)
        let error = Self.produce(message, topic: topic, headers: headers, handle: rk, opaque: opaque)
        guard let error else { return .queued }
        if let headers { rd_kafka_headers_destroy(headers) }
        if rd_kafka_error_code(error) == RD_KAFKA_RESP_ERR__QUEUE_FULL {
            rd_kafka_error_destroy(error)
            return .queueFull(generation: generation)
        }
        throw KafkaError.producing(error, context: "produce to \(message.pointee.topic)")
    }

    /// Checks what librdkafka would not. Through the message's address: the hot path borrows
    /// messages in place instead of copying them (a copy retains each of its fields).
    private static func validate(_ message: UnsafePointer<KafkaProducerMessage>) throws(KafkaError) {
        guard !message.pointee.topic.isEmpty else {
            throw KafkaError(code: .invalidArgument, message: "a message needs a topic name")
        }
        if let partition = message.pointee.partition, partition < 0 || partition > Int(Int32.max) {
            throw KafkaError(code: .invalidArgument, message: "invalid partition \(partition) for \(message.pointee.topic)")
        }
        // The topic name is checked once, when its handle is created (TopicHandleCache).
        if !message.pointee.headers.isEmpty { try KafkaHeader.validateNames(message.pointee.headers) }
    }

    private static func makeHeaders(_ headers: [KafkaHeader]) throws(KafkaError) -> OpaquePointer? {
        guard !headers.isEmpty else { return nil }
        guard let list = rd_kafka_headers_new(headers.count) else {
            throw KafkaError(code: .librdkafka, message: "librdkafka could not allocate a header list")
        }
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
        _ message: UnsafePointer<KafkaProducerMessage>,
        topic: OpaquePointer,
        headers: OpaquePointer?,
        handle: OpaquePointer,
        opaque: UnsafeMutableRawPointer?
    ) -> OpaquePointer? {
        let partition = message.pointee.partition.map { Int32($0) } ?? -1  // RD_KAFKA_PARTITION_UA
        let timestamp = message.pointee.timestamp?.millisecondsSince1970 ?? 0
        return Self.withOptionalBytes(message.pointee.value) { value in
            Self.withOptionalBytes(message.pointee.key) { key in
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
}
