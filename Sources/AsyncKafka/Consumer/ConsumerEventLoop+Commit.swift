import CRdKafka

extension ConsumerEventLoop {
    /// Commits the stored offsets (after storing what the application has received) and waits for the broker's answer.
    func commit() async throws(KafkaError) {
        guard self.groupID != nil else {
            throw KafkaError(code: .invalidConfiguration, message: "commit needs a group.id", configurationKey: "group.id")
        }
        do {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                self.submit { loop in loop.startCommit(continuation) }
            }
        } catch let error as KafkaError {
            throw error
        } catch {
            throw KafkaError(code: .commitFailed, message: "\(error)")
        }
    }

    /// Issues the commit on the thread; the result arrives through ``completeCommit(id:error:offsets:)``.
    private func startCommit(_ continuation: CheckedContinuation<Void, any Error>) {
        guard self.machine.state == .running, let resources = self.resources else {
            continuation.resume(throwing: KafkaError.clientClosed("the consumer"))
            return
        }
        self.storeConsumedOffsets(resources)
        let id = self.nextCommitID
        self.nextCommitID += 1
        self.pendingCommits[id] = continuation
        let err = rd_kafka_commit_queue(
            resources.handle.pointer,
            nil,
            resources.commitQueue,
            ConsumerCallbacks.commitCompleted,
            UnsafeMutableRawPointer(bitPattern: id)
        )
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            self.pendingCommits[id] = nil
            continuation.resume(throwing: KafkaError.rdKafka(err, context: "commit", fallback: .commitFailed))
        }
    }

    /// The broker answered commit `id`. On the thread (served from the commit queue).
    func completeCommit(id: Int, error err: rd_kafka_resp_err_t, offsets: UnsafePointer<rd_kafka_topic_partition_list_t>?) {
        guard let continuation = self.pendingCommits.removeValue(forKey: id) else { return }
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
}
