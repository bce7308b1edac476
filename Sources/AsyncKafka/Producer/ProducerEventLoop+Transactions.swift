import CRdKafka

/// The transaction calls: blocking librdkafka calls, run as jobs on the producer's thread.
///
/// While one runs, the thread serves nothing else; that cannot deadlock:
/// `rd_kafka_commit_transaction` and `rd_kafka_abort_transaction` flush
/// (commit) or purge (abort) the outstanding messages with `rd_kafka_flush`,
/// which serves the delivery reports itself on this thread (the producer uses a
/// delivery-report callback, not `RD_KAFKA_EVENT_DR`); the other calls wait for
/// the transaction coordinator only, and the reports that arrive meanwhile are
/// served as soon as they return.
extension ProducerEventLoop {
    /// Runs `call` with the handle on the thread and turns its `rd_kafka_error_t` into a ``KafkaError``.
    func transactionCall(
        _ what: String,
        _ call: @escaping @Sendable (OpaquePointer) -> OpaquePointer?
    ) async throws(KafkaError) {
        guard self.transactionalID != nil else {
            throw KafkaError(
                code: .invalidConfiguration,
                message: "\(what) needs a transactional producer: set transactionalID (transactional.id)",
                configurationKey: "transactional.id"
            )
        }
        let failure: KafkaError? = await withCheckedContinuation { continuation in
            self.thread.submit {
                guard self.state.withLock({ $0.state == .running }) else {
                    continuation.resume(returning: KafkaError.clientClosed("the producer"))
                    return
                }
                let error = call(self.handle.pointer)
                // Serve what arrived meanwhile, and let senders waiting for room retry
                // (a flush inside the call may have served their reports already).
                self.serveMainQueue(wakeSenders: true)
                continuation.resume(returning: error.map { KafkaError.producing($0, context: what, transactional: true) })
            }
        }
        if let failure { throw failure }
    }

    /// A librdkafka transaction timeout: whole milliseconds, or -1 ("the remaining transaction time").
    static func transactionTimeout(_ timeout: Duration?) -> Int32 {
        guard let timeout else { return -1 }
        return Int32(clamping: max(0, timeout.wholeMilliseconds))
    }
}
