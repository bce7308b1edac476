import CRdKafka

extension ProducerEngine {
    /// Waits until every queued message is delivered or failed, at most `timeout`.
    func flush(timeout: Duration) async throws(KafkaError) {
        let milliseconds = Int32(clamping: max(0, timeout.wholeMilliseconds))
        try await self.core.run { () throws(KafkaError) in
            guard self.state.withLock({ $0.state == .running }) else { throw .clientClosed("the producer") }
            let err = rd_kafka_flush(self.handle.pointer, milliseconds)
            self.serveMainQueue()
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                let left = rd_kafka_outq_len(self.handle.pointer)
                throw .rdKafka(err, context: "flush: \(left) messages still in flight")
            }
        }
    }

    /// Closes the producer: delivers what it can within `timeout`, purges the rest (each awaiting
    /// sender gets ``KafkaError/Code/purged``), destroys the handle. Waits until closed; idempotent.
    func close(timeout: Duration) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let (action, resumeNow) = self.state.withLock { $0.closeRequested(waiter: continuation) }
            if resumeNow { continuation.resume() }
            if case .beginClose = action { self.thread.submit { self.performClose(timeout: timeout) } }
        }
    }

    /// The ``KafkaProducer`` is gone: close in the background.
    func ownerReleased() {
        let (action, _) = self.state.withLock { $0.closeRequested(waiter: nil) }
        if case .beginClose = action { self.thread.submit { self.performClose(timeout: .seconds(30)) } }
    }

    /// Flush, purge, report, destroy. On the thread.
    private func performClose(timeout: Duration) {
        let rk = self.handle.pointer
        // Senders waiting for room retry now, and are refused: the producer is closing.
        for waiter in self.spaceWaiters.withLock({ $0.close() }) { waiter.resume() }
        let flushed = rd_kafka_flush(rk, Int32(clamping: max(0, timeout.wholeMilliseconds)))
        if flushed != RD_KAFKA_RESP_ERR_NO_ERROR {
            let left = rd_kafka_outq_len(rk)
            self.logger.warning("close: purging messages not delivered in time", metadata: ["kafka.messages": "\(left)"])
            _ = rd_kafka_purge(rk, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
            // Purged messages get their delivery reports (with a purge error) on the main queue.
            var rounds = 0
            while rd_kafka_outq_len(rk) > 0 && rounds < 500 {
                _ = rd_kafka_poll(rk, 10)
                rounds += 1
            }
        }
        self.serveMainQueue()
        let closeWaiters = self.state.withLock { $0.closed() }
        self.destroy()
        for waiter in closeWaiters { waiter.resume() }
        self.logger.debug("producer closed")
        self.thread.stop()
    }
}
