import CRdKafka
import Logging

/// The C callbacks a producer registers with librdkafka; served by `rd_kafka_poll` on the producer's
/// thread and, every so many messages, on a sender's thread as it enqueues (so callbacks are thread-safe).
enum ProducerCallbacks {
    /// Bridges the handle's opaque to the loop, which cannot exist before its handle does.
    final class Context: @unchecked Sendable {
        /// Set once, right after the handle is created and before the thread starts.
        weak var loop: ProducerEventLoop?
    }

    static func install(on conf: OpaquePointer) {
        rd_kafka_conf_set_dr_msg_cb(conf, Self.delivery)
        rd_kafka_conf_set_error_cb(conf, Self.error)
        rd_kafka_conf_set_log_cb(conf, Self.log)
        rd_kafka_conf_set_stats_cb(conf, Self.statistics)
    }

    private static func loop(_ opaque: UnsafeMutableRawPointer?) -> ProducerEventLoop? {
        opaque.flatMap { Unmanaged<Context>.fromOpaque($0).takeUnretainedValue().loop }
    }

    static let delivery: @convention(c) (OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?) -> Void = {
        _, message, opaque in
        guard let message else { return }
        if let slot = message.pointee._private {
            DeliveryBatch.deliver(opaque: slot, message: message)
        } else if message.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            // Enqueued without a sender waiting (`KafkaProducer.enqueue`).
            let topic = message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
            if case .failure(let error) = DeliveryBatch.result(of: DeliveryBatch.Report(of: message), topic: topic) {
                Self.loop(opaque)?.logger.error("message delivery failed", metadata: ["kafka.error": "\(error)"])
            }
        }
    }

    static let error: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void = {
        _, err, reason, opaque in
        Self.loop(opaque)?.errorLog.log(.rdKafka(rd_kafka_resp_err_t(err), context: reason.map { String(cString: $0) } ?? ""))
    }

    /// A statistics snapshot (`statistics.interval.ms`); served by `rd_kafka_poll` on the thread.
    static let statistics: @convention(c) (OpaquePointer?, UnsafeMutablePointer<CChar>?, Int, UnsafeMutableRawPointer?) -> Int32 = {
        _, json, length, opaque in
        guard let json, let loop = Self.loop(opaque) else { return 0 }
        loop.handle.statistics.emit(json: UnsafeRawBufferPointer(start: json, count: length), logger: loop.logger)
        return 0  // librdkafka frees the JSON
    }

    static let log: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void = {
        rk, level, facility, message in
        guard let rk, let loop = Self.loop(rd_kafka_opaque(rk)) else { return }
        LibrdkafkaLog.forward(level: level, facility: facility, message: message, client: rk, to: loop.logger, errorLog: loop.errorLog)
    }
}
