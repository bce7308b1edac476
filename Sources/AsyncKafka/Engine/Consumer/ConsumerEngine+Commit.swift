import CRdKafka

extension ConsumerEngine {
    /// Commits `offsets` (the next offset to read per partition), or when `nil` the stored offsets
    /// after storing what the application has consumed, and waits for the broker's answer.
    func commit(_ offsets: [KafkaTopicPartition]? = nil) async throws(KafkaError) {
        guard self.groupID != nil else {
            throw KafkaError(code: .invalidConfiguration, message: "commit needs a group.id", configurationKey: "group.id")
        }
        do {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                self.submit { engine in engine.startCommit(offsets, continuation) }
            }
        } catch let error as KafkaError {
            throw error
        } catch {
            throw KafkaError(code: .commitFailed, message: "\(error)")
        }
    }

    /// Issues the commit on the thread; the result arrives through ``commitCompleted(_:error:offsets:)``.
    private func startCommit(_ offsets: [KafkaTopicPartition]?, _ continuation: CheckedContinuation<Void, any Error>) {
        // While closing, a rebalance handler may still commit what was consumed.
        guard let resources = self.confined.machine.resources else {
            continuation.resume(throwing: self.stoppedError)
            return
        }
        // Once an error has stopped the consumer, a commit throws that error: librdkafka's close
        // has given the partitions up (or is about to), so the stored offsets would not be
        // committed, and its answer ("no offset") would read as success.
        if let failure = self.failure {
            continuation.resume(throwing: failure)
            return
        }
        self.storeConsumedOffsets(resources)
        // The stored offsets of the assigned partitions, sent explicitly (see ``OffsetStore``).
        let explicit: [KafkaTopicPartition]
        if let offsets {
            explicit = offsets
        } else {
            do {
                explicit = self.offsetStore.storedOffsets(of: try self.assignedPartitions(resources))
            } catch {
                continuation.resume(throwing: error)
                return
            }
            guard !explicit.isEmpty else {
                // Nothing stored for the partitions this consumer reads: nothing to commit.
                continuation.resume()
                return
            }
        }
        if offsets != nil {
            // Nothing librdkafka commits later (periodic, on revocation, at close) may commit less.
            self.offsetStore.committing(explicit, through: resources.handle.pointer)
        }
        guard case .send(let id, _) = self.confined.machine.commitStarted(continuation) else {
            continuation.resume(throwing: self.stoppedError)
            return
        }
        let list = TopicPartitionList(explicit)
        let err = rd_kafka_commit_queue(
            resources.handle.pointer,
            list.pointer,
            resources.commitQueue,
            ClientCallbacks.commitCompleted,
            UnsafeMutableRawPointer(bitPattern: id)
        )
        if err != RD_KAFKA_RESP_ERR_NO_ERROR, let continuation = self.confined.machine.commitCompleted(id: id) {
            continuation.resume(throwing: KafkaError.rdKafka(err, context: "commit", fallback: .commitFailed))
        }
    }

    /// The broker answered a commit; `commitOpaque` is its id. On the thread (served from the commit queue).
    func commitCompleted(
        _ commitOpaque: UnsafeMutableRawPointer?, error err: rd_kafka_resp_err_t, offsets: UnsafePointer<rd_kafka_topic_partition_list_t>?
    ) {
        guard let continuation = self.confined.machine.commitCompleted(id: Int(bitPattern: commitOpaque)) else { return }
        switch err {
        case RD_KAFKA_RESP_ERR_NO_ERROR, RD_KAFKA_RESP_ERR__NO_OFFSET:
            if let offsets, let failure = TopicPartitionList.firstError(of: offsets, context: "commit") {
                continuation.resume(throwing: failure)
            } else {
                continuation.resume()
            }
        default:
            continuation.resume(throwing: KafkaError.rdKafka(err, context: "commit", fallback: .commitFailed))
        }
    }

    /// Stores `next` as the next offset to commit for `topic`[`partition`], on the caller's thread (see ``OffsetStore``).
    /// - Throws: the error that stopped the consumer, or ``KafkaError/Code/clientClosed``, once it is stopping.
    func store(next: Int64, topic: String, partition: Int) throws(KafkaError) {
        try self.offsetStore.store(next: next, topic: topic, partition: partition, closed: self.stoppedError)
    }
}
