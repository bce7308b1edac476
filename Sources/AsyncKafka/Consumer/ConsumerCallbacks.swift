import CRdKafka
import Logging

/// The C callbacks a consumer registers with librdkafka.
///
/// They are served from the consumer's queues, so
/// librdkafka invokes them on the consumer's own thread, inside
/// ``ConsumerEventLoop``'s serving calls. The rd_kafka_t's opaque is the
/// loop, unretained: the loop outlives its handle.
enum ConsumerCallbacks {
    static func install(on conf: OpaquePointer) {
        rd_kafka_conf_set_rebalance_cb(conf, Self.rebalance)
        rd_kafka_conf_set_error_cb(conf, Self.error)
        rd_kafka_conf_set_log_cb(conf, Self.log)
        rd_kafka_conf_set_stats_cb(conf, Self.statistics)
    }

    private static func loop(_ opaque: UnsafeMutableRawPointer?) -> ConsumerEventLoop? {
        opaque.map { Unmanaged<ConsumerEventLoop>.fromOpaque($0).takeUnretainedValue() }
    }


    static let rebalance: @convention(c) (
        OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
        UnsafeMutableRawPointer?
    ) -> Void = { rk, err, partitions, opaque in
        guard let rk, let loop = Self.loop(opaque) else { return }
        loop.rebalance(rk, err, partitions)
    }

    static let error: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void = {
        _, err, reason, opaque in
        guard let loop = Self.loop(opaque) else { return }
        loop.clientError(rd_kafka_resp_err_t(err), reason: reason.map { String(cString: $0) } ?? "")
    }

    static let log: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void = {
        rk, level, facility, message in
        guard let rk, let loop = Self.loop(rd_kafka_opaque(rk)) else { return }
        LibrdkafkaLog.forward(level: level, facility: facility, message: message, client: rk, to: loop.logger, errorLog: loop.errorLog)
    }

    /// A statistics snapshot (`statistics.interval.ms`); served from the consumer queue on the thread.
    static let statistics: @convention(c) (OpaquePointer?, UnsafeMutablePointer<CChar>?, Int, UnsafeMutableRawPointer?) -> Int32 = {
        _, json, length, opaque in
        guard let json, let loop = Self.loop(opaque), let handle = loop.resources?.handle else { return 0 }
        handle.statistics.emit(json: UnsafeRawBufferPointer(start: json, count: length), logger: loop.logger)
        return 0  // librdkafka frees the JSON
    }

    static let commitCompleted: @convention(c) (
        OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
        UnsafeMutableRawPointer?
    ) -> Void = { rk, err, offsets, commitOpaque in
        guard let rk, let loop = Self.loop(rd_kafka_opaque(rk)) else { return }
        loop.completeCommit(id: Int(bitPattern: commitOpaque), error: err, offsets: offsets.map { UnsafePointer($0) })
    }
}

extension ConsumerEventLoop {
    /// Applies a group rebalance. On the thread, from librdkafka's rebalance callback.
    ///
    /// Assignments are applied at once, then reported. Revocations are
    /// reported first: offsets of what the application consumed are stored,
    /// buffered messages of those partitions are held back, and the user's
    /// rebalance handler (if any) runs to completion before the partitions are
    /// given up — librdkafka waits for that.
    func rebalance(
        _ rk: OpaquePointer,
        _ err: rd_kafka_resp_err_t,
        _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
    ) {
        let cooperative = String(cString: rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE"
        let changed = partitions.map { TopicPartitionList.partitions(of: $0) } ?? []
        switch err {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            self.logger.info("partitions assigned", metadata: ["kafka.partitions": "\(changed.map(\.description))"])
            // librdkafka starts them afresh from the committed offsets; so does what commit() sends.
            self.offsetStore.forget(changed)
            if cooperative {
                self.check(rd_kafka_incremental_assign(rk, partitions), "incremental assign")
            } else {
                self.check(rd_kafka_assign(rk, partitions), "assign")
            }
            self.report(.assigned(changed.map { KafkaTopicPartition(topic: $0.topic, partition: $0.partition) }), then: nil)
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            let lost = rd_kafka_assignment_lost(rk) != 0
            self.logger.info(
                lost ? "partitions lost" : "partitions revoked",
                metadata: ["kafka.partitions": "\(changed.map(\.description))"]
            )
            if let resources = self.resources { self.storeConsumedOffsets(resources) }
            let keys = changed.map { PartitionKey(topic: $0.topic, partition: $0.partition) }
            // Until they are given up, nothing more of these partitions reaches the application.
            self.partitionFilter.discard(keys, upToSerial: .max)
            let revoked = changed.map { KafkaTopicPartition(topic: $0.topic, partition: $0.partition) }
            self.report(lost ? .lost(revoked) : .revoked(revoked)) { loop in
                guard let rk = loop.resources?.handle.pointer else { return }
                let list = TopicPartitionList(revoked)
                if cooperative {
                    loop.check(rd_kafka_incremental_unassign(rk, list.pointer), "incremental unassign")
                } else {
                    loop.check(rd_kafka_assign(rk, nil), "unassign")
                }
                // Messages fetched before the partitions were given up stay held back.
                loop.partitionFilter.discard(keys, upToSerial: loop.lastBatchSerial)
            }
        default:
            self.logger.error("rebalance failed", metadata: ["kafka.error": "\(KafkaError.rdKafka(err, context: "rebalance"))"])
            self.check(rd_kafka_assign(rk, nil), "unassign")
        }
    }

    /// Tells observers and the handler about `event`; runs `completion` on the thread once the
    /// handler has returned (at once when there is no handler). See ``RebalanceStep``.
    private func report(_ event: KafkaRebalanceEvent, then completion: (@Sendable (ConsumerEventLoop) -> Void)?) {
        self.rebalances.emit(event)
        guard let handler = self.rebalanceHandler.withLock({ $0 }) else {
            completion?(self)
            return
        }
        let step = RebalanceStep(event: event, handler: handler, completion: completion)
        self.pendingRebalanceSteps.append(step)
        if !self.machine.isIterating || self.isStopping {
            step.runDetached(on: self)
        } else if case .terminated = self.continuation.yield(.rebalance(step)) {
            step.runDetached(on: self)
        }
    }

    /// A client-level error from librdkafka. A fatal one ends the stream; the others are reported
    /// (``KafkaConsumer/errors``) while librdkafka retries. On the thread.
    func clientError(_ err: rd_kafka_resp_err_t, reason: String) {
        if err == RD_KAFKA_RESP_ERR__FATAL {
            let error = self.resources?.handle.raisedFatalError() ?? .rdKafka(err, context: reason)
            self.fail(with: error)
            return
        }
        if err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, self.failAfterBrokersDown != nil, self.brokersDownSince == nil {
            self.brokersDownSince = .now
            self.thread.wake()  // so that the serving loop sets its timer
        }
        self.report(.rdKafka(err, context: reason))
    }

    func check(_ err: rd_kafka_resp_err_t, _ what: String) {
        guard err != RD_KAFKA_RESP_ERR_NO_ERROR else { return }
        self.logger.error("\(what) failed", metadata: ["kafka.error": "\(KafkaError.rdKafka(err, context: what))"])
    }

    func check(_ error: OpaquePointer?, _ what: String) {
        guard let error else { return }
        let failure = KafkaError.consuming(error, context: what)
        self.logger.error("\(what) failed", metadata: ["kafka.error": "\(failure)"])
    }
}
