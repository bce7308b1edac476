import CRdKafka

extension KafkaError {
    /// Builds an error from an `rd_kafka_error_t` returned by a producer call, and destroys it.
    ///
    /// ``requiresAbort`` is `rd_kafka_error_txn_requires_abort`, a fatal error gets
    /// ``Code/fatal``, and `_STATE` means ``Code/invalidState`` (a producer has no partition
    /// assignment). With `transactional`, ``isRetriable`` is exactly `rd_kafka_error_is_retriable`
    /// (the transaction calls classify every error they return); otherwise a "not retriable"
    /// verdict falls back to the error code, as for other errors.
    static func producing(_ error: OpaquePointer, context: String, transactional: Bool = false) -> KafkaError {
        defer { rd_kafka_error_destroy(error) }
        let err = rd_kafka_error_code(error)
        var code = KafkaError.rdKafka(err, context: context).code
        if err == RD_KAFKA_RESP_ERR__STATE { code = .invalidState }
        if rd_kafka_error_is_fatal(error) != 0 { code = .fatal }
        return KafkaError(
            code: code,
            message: "\(context): \(String(cString: rd_kafka_error_string(error)))",
            librdkafkaCode: LibrdkafkaCode(err),
            retriable: rd_kafka_error_is_retriable(error) != 0 ? true : (transactional ? false : nil),
            requiresAbort: rd_kafka_error_txn_requires_abort(error) != 0
        )
    }
}
