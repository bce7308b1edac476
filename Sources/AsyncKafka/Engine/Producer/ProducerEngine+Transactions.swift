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
extension ProducerEngine {
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
        try await self.core.run { () throws(KafkaError) in
            guard self.state.withLock({ $0.state == .running }) else { throw .clientClosed("the producer") }
            let error = call(self.handle.pointer)
            // Serve what arrived meanwhile, and let senders waiting for room retry
            // (a flush inside the call may have served their reports already).
            self.serveMainQueue(wakeSenders: true)
            if let error { throw KafkaError.producing(error, context: what, transactional: true) }
        }
    }

    /// A librdkafka transaction timeout: whole milliseconds, or -1 ("the remaining transaction time").
    static func transactionTimeout(_ timeout: Duration?) -> Int32 {
        guard let timeout else { return -1 }
        return Int32(clamping: max(0, timeout.wholeMilliseconds))
    }
}
