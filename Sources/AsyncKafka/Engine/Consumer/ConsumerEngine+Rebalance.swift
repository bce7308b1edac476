import CRdKafka

extension ConsumerEngine {
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
            if let resources = self.confined.machine.resources { self.storeConsumedOffsets(resources) }
            let keys = changed.map { PartitionKey(topic: $0.topic, partition: $0.partition) }
            // Until they are given up, nothing more of these partitions reaches the application.
            self.partitionFilter.discard(keys, upToSerial: .max)
            let revoked = changed.map { KafkaTopicPartition(topic: $0.topic, partition: $0.partition) }
            self.report(lost ? .lost(revoked) : .revoked(revoked)) { engine in
                guard let rk = engine.confined.machine.resources?.handle.pointer else { return }
                let list = TopicPartitionList(revoked)
                if cooperative {
                    engine.check(rd_kafka_incremental_unassign(rk, list.pointer), "incremental unassign")
                } else {
                    engine.check(rd_kafka_assign(rk, nil), "unassign")
                }
                // Messages fetched before the partitions were given up stay held back.
                engine.partitionFilter.discard(keys, upToSerial: engine.confined.lastBatchSerial)
            }
        default:
            self.logger.error("rebalance failed", metadata: ["kafka.error": "\(KafkaError.rdKafka(err, context: "rebalance"))"])
            self.check(rd_kafka_assign(rk, nil), "unassign")
        }
    }

    /// Tells observers and the handler about `event`; runs `completion` on the thread once the
    /// handler has returned (at once when there is no handler). See ``RebalanceStep``.
    private func report(_ event: KafkaRebalanceEvent, then completion: (@Sendable (ConsumerEngine) -> Void)?) {
        self.rebalances.emit(event)
        guard let handler = self.rebalanceHandler.withLock({ $0 }) else {
            completion?(self)
            return
        }
        let step = RebalanceStep(event: event, handler: handler, completion: completion)
        self.confined.pendingRebalanceSteps.append(step)
        if !self.confined.machine.isIterating || self.isStopping {
            step.runDetached(on: self)
        } else if case .terminated = self.continuation.yield(.rebalance(step)) {
            step.runDetached(on: self)
        }
    }

    /// A client-level error from librdkafka. A fatal one ends the stream; the others are reported
    /// (``KafkaConsumer/errors``) while librdkafka retries. On the thread.
    func clientError(_ err: rd_kafka_resp_err_t, reason: String) {
        if err == RD_KAFKA_RESP_ERR__FATAL {
            let error = self.core.handle.raisedFatalError() ?? .rdKafka(err, context: reason)
            self.fail(with: error)
            return
        }
        if err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, self.failAfterBrokersDown != nil, self.confined.brokersDownSince == nil {
            self.confined.brokersDownSince = .now
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
