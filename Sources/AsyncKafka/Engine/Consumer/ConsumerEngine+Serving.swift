import CRdKafka

extension ConsumerEngine {
    /// Serves the queues after a wake-up. Runs on the thread.
    func serveQueues() -> ClientThread.Sleep {
        switch self.confined.machine.state {
        case .running(let running):
            return self.serveRunning(running.resources)
        case .closing(let closing):
            return self.serveClosing(closing.resources)
        case .closed:
            return .untilWoken
        }
    }

    /// Serves an open consumer: stores what the application consumed, completes commits,
    /// hands batches over while the stream has room.
    private func serveRunning(_ resources: Resources) -> ClientThread.Sleep {
        self.storeConsumedOffsets(resources)
        _ = rd_kafka_queue_poll_callback(resources.commitQueue, 0)
        let lingerLeft = self.serveMessages(resources)
        let brokersLeft = self.watchBrokers(resources)
        // librdkafka counts a consumer that does not poll within max.poll.interval.ms as gone.
        // While the application waits for messages (the stream has room), poll on its behalf
        // even when nothing arrives; while it is busy (no room), let librdkafka notice.
        guard self.credits.load(ordering: .relaxed) > 0 else {
            return brokersLeft.map { .atMost(milliseconds: $0) } ?? .untilWoken
        }
        return .atMost(milliseconds: min(lingerLeft ?? Int.max, brokersLeft ?? Int.max, self.idlePollMilliseconds))
    }

    /// Drains the consumer queue into batches while the stream has room.
    ///
    /// librdkafka's queue callback fires only when the queue goes from empty
    /// to non-empty, so the loop drains until librdkafka returns nothing;
    /// when the stream is full it stops early, and the iterator wakes it when
    /// it hands a credit back. Returns how long a lingering partial batch may
    /// still wait, if one does.
    private func serveMessages(_ resources: Resources) -> Int? {
        let buffer = self.confined.pollBuffer
        while self.confined.machine.isRunning, self.credits.load(ordering: .acquiring) > 0 {
            let wanted = self.confined.maxBatchCount - self.confined.lingering.count
            let count = rd_kafka_consume_batch_queue(resources.queue, 0, buffer.pointer, min(wanted, buffer.capacity))
            self.confined.fetcherWakeUp.observe(queueLength: Int(rd_kafka_queue_length(resources.queue)), handle: resources.handle.pointer)
            if count <= 0 {
                return self.flushLingering()
            }
            var failure: KafkaError?
            var usable = count
            for index in 0..<count where buffer[index].pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                if let error = self.classify(buffer[index], resources) {
                    // Messages after a stopping error are not handed out (nor committed).
                    failure = error
                    usable = index
                    break
                }
            }
            var batch = MessageBatchBuilder.build(buffer.pointer, count: usable)
            for index in 0..<count { rd_kafka_message_destroy(buffer[index]) }
            if self.confined.lingerMilliseconds > 0 {
                if self.confined.lingering.isEmpty { self.confined.lingeringSince = .now }
                self.confined.lingering += batch
                guard self.confined.lingering.count >= self.confined.maxBatchCount || failure != nil else { continue }
                batch = self.confined.lingering
                self.confined.lingering = []
            }
            if !batch.isEmpty && !self.hand(batch) { return nil }
            if let failure {
                self.fail(with: failure)
                return nil
            }
        }
        return nil
    }

    /// Hands a partial lingering batch over once its wait is over; returns the wait left otherwise.
    private func flushLingering() -> Int? {
        guard !self.confined.lingering.isEmpty, let since = self.confined.lingeringSince else { return nil }
        let left = self.confined.lingerMilliseconds - Int((ContinuousClock.now - since).wholeMilliseconds)
        guard left <= 0 else { return max(1, left) }
        let batch = self.confined.lingering
        self.confined.lingering = []
        _ = self.hand(batch)
        return nil
    }

    /// Yields one batch into the stream; `false` once nobody reads it any more.
    private func hand(_ batch: [KafkaMessage]) -> Bool {
        self.credits.subtract(1, ordering: .releasing)
        self.confined.lastBatchSerial += 1
        if case .terminated = self.continuation.yield(.batch(MessageBatch(serial: self.confined.lastBatchSerial, messages: batch))) {
            return false
        }
        return true
    }

    /// Switches the stream to batches of at most `maxCount` messages that wait up to `maxWait`
    /// for more once the first has arrived. On the thread, before the first batch.
    func configureBatching(maxCount: Int, maxWait: Duration) {
        self.confined.maxBatchCount = max(1, maxCount)
        self.confined.lingerMilliseconds = max(0, Int(maxWait.wholeMilliseconds))
        if self.confined.maxBatchCount > self.confined.pollBuffer.capacity && self.confined.lingerMilliseconds == 0 {
            // Without a wait a batch is what one librdkafka call returns: let it return that many.
            self.confined.pollBuffer = MessagePollBuffer(capacity: self.confined.maxBatchCount)
        }
    }

    /// Decides what a per-message error means: `nil` to log and go on, or an error that ends the stream.
    private func classify(_ message: UnsafeMutablePointer<rd_kafka_message_t>, _ resources: Resources) -> KafkaError? {
        let err = message.pointee.err
        let detail = String(cString: rd_kafka_message_errstr(message))
        switch err {
        case RD_KAFKA_RESP_ERR__PARTITION_EOF:
            self.logger.trace("reached end of partition", metadata: ["kafka.partition": "\(message.pointee.partition)"])
            return nil
        case RD_KAFKA_RESP_ERR__FATAL:
            return resources.handle.raisedFatalError() ?? .rdKafka(err, context: detail)
        case RD_KAFKA_RESP_ERR__MAX_POLL_EXCEEDED:
            self.report(.rdKafka(err, context: "consumer left the group (max.poll.interval.ms exceeded); it rejoins on the next read"))
            return nil
        case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
            // Typically "Subscribed topic not available": librdkafka keeps looking for it.
            let error = KafkaError.rdKafka(err, context: detail)
            guard self.failOnMissingTopic else {
                self.report(error)
                return nil
            }
            return error
        default:
            let error = KafkaError.rdKafka(err, context: "consumer error: \(detail)")
            guard error.isRetriable else { return error }
            self.report(error)
            return nil
        }
    }
}
