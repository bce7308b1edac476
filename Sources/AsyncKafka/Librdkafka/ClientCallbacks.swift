import CRdKafka

/// The C callbacks of every client, in one place: each finds the client's ``CallbackBridge``
/// through the handle's opaque and hands the event on.
///
/// librdkafka serves them from the client's queues (`log.queue` is on), so they run on the
/// client's thread; the producer's delivery callback also runs on a sender's thread, when a
/// sender serves reports as it enqueues.
enum ClientCallbacks {
    /// Sets the callbacks every client has (errors, logs, statistics) on `conf`, and the
    /// consumer's or producer's own when `kind` is one of them.
    static func install(on conf: OpaquePointer, bridge: CallbackBridge, for kind: Kind) {
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(bridge).toOpaque())
        rd_kafka_conf_set_error_cb(conf, Self.error)
        rd_kafka_conf_set_log_cb(conf, Self.log)
        rd_kafka_conf_set_stats_cb(conf, Self.statistics)
        switch kind {
        case .consumer: rd_kafka_conf_set_rebalance_cb(conf, Self.rebalance)
        case .producer: rd_kafka_conf_set_dr_msg_cb(conf, Self.delivery)
        case .admin: break
        }
    }

    enum Kind {
        case consumer, producer, admin
    }

    static let error: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void = {
        _, code, reason, opaque in
        guard let bridge = CallbackBridge.from(opaque) else { return }
        let err = rd_kafka_resp_err_t(code)
        let text = reason.map { String(cString: $0) } ?? ""
        bridge.negotiation.observe(text)
        if let receiver = bridge.receiver {
            receiver.clientError(err, reason: text)
        } else {
            bridge.errorLog.log(.rdKafka(err, context: text))
        }
    }

    static let log: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void = {
        rk, level, facility, message in
        guard let rk, let bridge = CallbackBridge.from(rd_kafka_opaque(rk)) else { return }
        if let message { bridge.negotiation.observe(String(cString: message)) }
        LibrdkafkaLog.forward(level: level, facility: facility, message: message, client: rk, to: bridge.logger, errorLog: bridge.errorLog)
    }

    /// A statistics snapshot (`statistics.interval.ms`).
    static let statistics: @convention(c) (OpaquePointer?, UnsafeMutablePointer<CChar>?, Int, UnsafeMutableRawPointer?) -> Int32 = {
        _, json, length, opaque in
        guard let json, let bridge = CallbackBridge.from(opaque) else { return 0 }
        bridge.statistics.emit {
            do {
                return try KafkaStatistics(json: UnsafeRawBufferPointer(start: json, count: length))
            } catch {
                bridge.logger.debug("librdkafka statistics not decoded", metadata: ["kafka.error": "\(error)"])
                return nil
            }
        }
        return 0  // librdkafka frees the JSON
    }

    static let rebalance:
        @convention(c) (
            OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, UnsafeMutableRawPointer?
        ) -> Void = { rk, err, partitions, opaque in
            guard let rk, let receiver = CallbackBridge.from(opaque)?.receiver else { return }
            receiver.rebalance(rk, err, partitions)
        }

    /// The result of `rd_kafka_commit_queue`; `commitOpaque` is the commit's own opaque.
    static let commitCompleted:
        @convention(c) (
            OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, UnsafeMutableRawPointer?
        ) -> Void = { rk, err, offsets, commitOpaque in
            guard let rk, let receiver = CallbackBridge.from(rd_kafka_opaque(rk))?.receiver else { return }
            receiver.commitCompleted(commitOpaque, error: err, offsets: offsets.map { UnsafePointer($0) })
        }

    /// A delivery report. A sender waiting for it left its slot in the message's `_private`;
    /// a failed fire-and-forget message (`KafkaProducer.enqueue`) is logged.
    static let delivery: @convention(c) (OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?) -> Void = {
        _, message, opaque in
        guard let message else { return }
        if let slot = message.pointee._private {
            DeliveryBatch.deliver(opaque: slot, message: message)
        } else if message.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            let topic = message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
            if case .failure(let error) = DeliveryBatch.result(of: DeliveryBatch.Report(of: message), topic: topic) {
                CallbackBridge.from(opaque)?.logger.error("message delivery failed", metadata: ["kafka.error": "\(error)"])
            }
        }
    }
}
