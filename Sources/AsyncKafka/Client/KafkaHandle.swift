import CRdKafka

/// Owns one `rd_kafka_t`: the raw layer every client is built on.
///
/// The handle is created from a validated `rd_kafka_conf_t` and destroyed
/// exactly once, by ``destroy()``, on the client's own thread (destroying can
/// block while librdkafka joins its threads).
final class KafkaHandle: @unchecked Sendable {
    /// The `rd_kafka_t *`. Valid until ``destroy()``.
    let pointer: OpaquePointer
    /// The observers of the client's statistics; their streams end when the handle is destroyed.
    let statistics = StatisticsBroadcaster()
    private var destroyed = false

    /// Creates a handle of `type`, taking ownership of `conf` (also when creation fails).
    init(type: rd_kafka_type_t, conf: OpaquePointer) throws(KafkaError) {
        var errorText = [CChar](repeating: 0, count: 512)
        guard let rk = rd_kafka_new(type, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError(
                code: .invalidConfiguration,
                message: "librdkafka refused the configuration: \(String(cBuffer: errorText))"
            )
        }
        self.pointer = rk
    }

    /// The client's name as librdkafka reports it (e.g. `rdkafka#consumer-1`).
    var name: String {
        String(cString: rd_kafka_name(self.pointer))
    }

    /// The fatal error librdkafka has raised on this handle, if any.
    func raisedFatalError() -> KafkaError? {
        var text = [CChar](repeating: 0, count: 512)
        let err = rd_kafka_fatal_error(self.pointer, &text, text.count)
        guard err != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        return KafkaError(
            code: .fatal,
            message: "fatal error: \(String(cBuffer: text))",
            librdkafkaCode: .init(err)
        )
    }

    /// Destroys the `rd_kafka_t`. Blocking; call on the client thread only, once.
    ///
    /// `skipConsumerClose` destroys a consumer without its close sequence (final
    /// commit, LeaveGroup): for a close that could not finish in time.
    func destroy(skipConsumerClose: Bool = false) {
        guard !self.destroyed else { return }
        self.destroyed = true
        if skipConsumerClose {
            rd_kafka_destroy_flags(self.pointer, Int32(RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE))
        } else {
            rd_kafka_destroy(self.pointer)
        }
        self.statistics.finish()
    }
}

extension String {
    /// Decodes a NUL-terminated C string that librdkafka wrote into `buffer`.
    init(cBuffer buffer: [CChar]) {
        self = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
