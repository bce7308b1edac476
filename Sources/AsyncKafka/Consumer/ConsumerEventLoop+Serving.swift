import CRdKafka

extension ConsumerEventLoop {
    /// Serves the queues after a wake-up. Runs on the thread.
    func serveQueues() -> ClientThread.Sleep {
        guard let resources = self.resources else { return .untilWoken }
        switch self.machine.state {
        case .running:
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
        case .closing:
            _ = rd_kafka_queue_poll_callback(resources.commitQueue, 0)
            self.discardMessages(resources)
            let overdue = self.closeDeadline.map { ContinuousClock.now >= $0 } ?? false
            if self.closeAwaitsCommits {
                // Woken by the commit queue when a commit completes.
                guard self.pendingCommits.isEmpty || overdue else { return .atMost(milliseconds: 20) }
                self.startLibrdkafkaClose(resources)
            }
            guard rd_kafka_consumer_closed(resources.handle.pointer) != 0 || overdue else {
                // Woken by the queue as the close progresses; the timeout is only a safety net.
                return .atMost(milliseconds: 20)
            }
            if overdue {
                self.logger.warning("consumer close did not finish in time (broker unreachable?): destroying it without LeaveGroup")
            }
            self.finishClose(resources, forced: overdue)
            return .untilWoken
        case .closed:
            return .untilWoken
        }
    }

    /// Drains the consumer queue into batches while the stream has room.
    ///
    /// librdkafka's queue callback fires only when the queue goes from empty
    /// to non-empty, so the loop drains until librdkafka returns nothing;
    /// when the stream is full it stops early, and the iterator wakes it when
    /// it hands a credit back. Returns how long a lingering partial batch may
    /// still wait, if one does.
    private func serveMessages(_ resources: Resources) -> Int? {
        while self.machine.state == .running, self.credits.load(ordering: .acquiring) > 0 {
            let wanted = self.maxBatchCount - self.lingering.count
            let count = rd_kafka_consume_batch_queue(resources.queue, 0, self.messageBuffer, min(wanted, self.batchSize))
            self.fetcherWakeUp.observe(queueLength: Int(rd_kafka_queue_length(resources.queue)), handle: resources.handle.pointer)
            if count <= 0 {
                return self.flushLingering()
            }
            var failure: KafkaError?
            var usable = count
            for index in 0..<count where self.messageBuffer[index]!.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                if let error = self.classify(self.messageBuffer[index]!, resources) {
                    // Messages after a stopping error are not handed out (nor committed).
                    failure = error
                    usable = index
                    break
                }
            }
            var batch = MessageBatchBuilder.build(self.messageBuffer, count: usable)
            for index in 0..<count { rd_kafka_message_destroy(self.messageBuffer[index]) }
            if self.lingerMilliseconds > 0 {
                if self.lingering.isEmpty { self.lingeringSince = .now }
                self.lingering += batch
                guard self.lingering.count >= self.maxBatchCount || failure != nil else { continue }
                batch = self.lingering
                self.lingering = []
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
        guard !self.lingering.isEmpty, let since = self.lingeringSince else { return nil }
        let left = self.lingerMilliseconds - Int((ContinuousClock.now - since).wholeMilliseconds)
        guard left <= 0 else { return max(1, left) }
        let batch = self.lingering
        self.lingering = []
        _ = self.hand(batch)
        return nil
    }

    /// Yields one batch into the stream; `false` once nobody reads it any more.
    private func hand(_ batch: [KafkaMessage]) -> Bool {
        self.credits.subtract(1, ordering: .releasing)
        self.lastBatchSerial += 1
        if case .terminated = self.continuation.yield(.batch(MessageBatch(serial: self.lastBatchSerial, messages: batch))) {
            return false
        }
        return true
    }

    /// Switches the stream to batches of at most `maxCount` messages that wait up to `maxWait`
    /// for more once the first has arrived. On the thread, before the first batch.
    func configureBatching(maxCount: Int, maxWait: Duration) {
        self.maxBatchCount = max(1, maxCount)
        self.lingerMilliseconds = max(0, Int(maxWait.wholeMilliseconds))
        if self.maxBatchCount > self.batchSize && self.lingerMilliseconds == 0 {
            // Without a wait a batch is what one librdkafka call returns: let it return that many.
            self.messageBuffer.deallocate()
            self.batchSize = self.maxBatchCount
            self.messageBuffer = .allocate(capacity: self.batchSize)
        }
    }

    /// Destroys whatever is still queued while closing: those messages were never handed out.
    private func discardMessages(_ resources: Resources) {
        while true {
            let count = rd_kafka_consume_batch_queue(resources.queue, 0, self.messageBuffer, self.batchSize)
            guard count > 0 else { return }
            for index in 0..<count { rd_kafka_message_destroy(self.messageBuffer[index]) }
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
