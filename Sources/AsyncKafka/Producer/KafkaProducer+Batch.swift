extension KafkaProducer {
    /// Sends many messages in one go and returns each one's outcome, in the order of `messages`.
    ///
    /// This is the throughput path: the messages are handed to librdkafka
    /// back to back from the calling task, with no task, actor hop or
    /// continuation per message, and the call waits once for the whole
    /// batch. When librdkafka's queue is full it waits for room and carries on
    /// where it stopped. One message failing does not affect the others:
    ///
    /// ```swift
    /// let results = await producer.send(contentsOf: messages)
    /// for case .failure(let error) in results { print("not delivered: \(error)") }
    /// ```
    ///
    /// Each result is the message's ``KafkaDeliveryReport``, or the
    /// ``KafkaError`` that ``send(_:queueTimeout:)`` would have thrown for it:
    /// ``KafkaError/Code/invalidArgument`` or ``KafkaError/Code/messageTooLarge``
    /// for a message refused before it was enqueued,
    /// ``KafkaError/Code/unknownTopicOrPartition``, a delivery failure,
    /// ``KafkaError/Code/purged`` when ``close(timeout:)`` ran out of time,
    /// ``KafkaError/Code/clientClosed`` for messages not enqueued because the
    /// producer was closing, ``KafkaError/Code/cancelled`` for messages not
    /// enqueued because the task was cancelled while waiting for room,
    /// ``KafkaError/Code/timedOut`` for those not enqueued because there was no room
    /// within `queueTimeout` (`nil`: wait until there is).
    /// Messages already enqueued cannot be recalled, so the call always waits
    /// for their reports.
    ///
    /// Order: messages for the same partition are stored in the order given
    /// (with ``KafkaProducerConfiguration/enableIdempotence`` also across retries).
    public func send(
        contentsOf messages: [KafkaProducerMessage],
        queueTimeout: Duration? = nil
    ) async -> [Result<KafkaDeliveryReport, KafkaError>] {
        guard !messages.isEmpty else { return [] }
        let deadline = queueTimeout.map { ContinuousClock.now + $0 }
        let messages = self.engine.injectsTraceContext ? messages.withCurrentTraceContext() : messages
        self.engine.reportWaiterArrived()
        defer { self.engine.reportWaiterLeft() }
        let batch = DeliveryBatch(count: messages.count)
        var next = 0
        enqueueing: while next < messages.count {
            switch self.engine.enqueue(messages, from: next, into: batch) {
            case .finished:
                break enqueueing
            case .queueFull(let stoppedAt, let generation):
                next = stoppedAt
                do throws(KafkaError) {
                    try await self.waitForSpace(after: generation, deadline: deadline)
                } catch {
                    Self.fail(batch, from: next, count: messages.count, with: error)
                    break enqueueing
                }
            case .closed(let stoppedAt):
                Self.fail(batch, from: stoppedAt, count: messages.count, with: .clientClosed("the producer"))
                break enqueueing
            }
        }
        await batch.waitForAll()
        return messages.withUnsafeBufferPointer { messages in
            // `(base + i).pointee` borrows the element; `messages[i]` would copy it whole.
            let base = messages.baseAddress!
            return batch.results { (base + $0).pointee.topic }
        }
    }

    private static func fail(_ batch: DeliveryBatch, from start: Int, count: Int, with error: KafkaError) {
        for index in start..<count { batch.fail(index, error) }
    }
}
