import CRdKafka
import Logging

extension ConsumerEventLoop {
    /// Asks the consumer to close; returns at once. Safe from any thread.
    func requestClose() {
        self.submit { loop in loop.perform(loop.machine.closeRequested()) }
    }

    /// Closes the consumer and waits until it is closed (idempotent).
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            self.submit { loop in
                loop.perform(loop.machine.closeRequested())
                if case .resumeNow = loop.machine.waitForClose(continuation) { continuation.resume() }
            }
        }
    }

    /// The ``KafkaConsumer`` is gone; close unless the message stream is still being read.
    func ownerReleased() {
        self.submit { loop in loop.perform(loop.machine.ownerReleased()) }
    }

    /// An iterator claimed the stream; returns it, or `nil` when it was claimed before.
    func claimStream() -> AsyncThrowingStream<StreamElement, any Error>? {
        let stream = self.streamClaim.withLock { claim in
            defer { claim = nil }
            return claim
        }
        if stream != nil { self.submit { loop in loop.machine.iterationStarted() } }
        return stream
    }

    /// The iterator ended: the consumer closes (after storing what the loop received).
    func iterationEnded() {
        self.submit { loop in
            // Rebalance handlers the iterator will not run now run on their own.
            for step in loop.pendingRebalanceSteps { step.runDetached(on: loop) }
            loop.perform(loop.machine.iterationEnded())
        }
    }

    /// The iterator took a batch out of the stream: room for one more.
    func returnCredit() {
        if self.credits.add(1, ordering: .acquiringAndReleasing).oldValue == 0 {
            self.thread.wake()
        }
    }

    /// Ends the stream with `error` and closes the consumer. On the thread.
    func fail(with error: KafkaError) {
        self.logger.error("consumer stopped by an error", metadata: ["kafka.error": "\(error)"])
        self.markStopping(failure: error)
        self.continuation.finish(throwing: error)
        self.perform(self.machine.closeRequested())
    }

    /// Performs a close action of the state machine. On the thread.
    func perform(_ action: ConsumerStateMachine.CloseAction) {
        guard case .beginClose = action, let resources = self.resources else { return }
        self.logger.debug("closing consumer")
        self.markStopping(failure: nil)
        self.storeConsumedOffsets(resources)
        self.continuation.finish()
        for step in self.pendingRebalanceSteps { step.runDetached(on: self) }
        self.closeDeadline = .now + self.closeTimeout
        if self.pendingCommits.isEmpty {
            self.startLibrdkafkaClose(resources)
        } else {
            // librdkafka 2.0.2 can abort (rd_kafka_cgrp_terminated: assert
            // !rd_kafka_assignment_in_progress) when the group is closed while a commit is
            // in flight: let the commits finish first (serve() starts the close).
            self.closeAwaitsCommits = true
        }
        // The close completes in `serve()`, which the queue wakes as librdkafka makes progress.
        self.thread.wake()
    }

    /// Starts librdkafka's close (final commit, LeaveGroup). On the thread.
    func startLibrdkafkaClose(_ resources: Resources) {
        self.closeAwaitsCommits = false
        if let error = rd_kafka_consumer_close_queue(resources.handle.pointer, resources.queue) {
            let failure = KafkaError.consuming(error, context: "consumer close")
            self.logger.warning("consumer close reported an error", metadata: ["kafka.error": "\(failure)"])
        }
    }

    /// librdkafka reports the consumer closed: free everything and wake the waiters. On the thread.
    func finishClose(_ resources: Resources, forced: Bool = false) {
        _ = rd_kafka_queue_poll_callback(resources.commitQueue, 0)
        let waiters = self.machine.closed()
        if forced {
            // librdkafka may still wait for its unanswered requests while it is destroyed:
            // the caller of close() does not.
            for waiter in waiters { waiter.resume() }
            self.destroy(forced: true)
        } else {
            self.destroy()
            for waiter in waiters { waiter.resume() }
        }
        self.logger.debug("consumer closed")
        self.thread.stop()
    }

    /// Destroys the queues and the handle, failing any commit still waiting for its result.
    /// `forced`: the close sequence did not finish in time; skip it.
    func destroy(forced: Bool = false) {
        guard let resources = self.resources else { return }
        self.resources = nil
        self.offsetStore.close()
        rd_kafka_queue_cb_event_enable(resources.queue, nil, nil)
        rd_kafka_queue_cb_event_enable(resources.commitQueue, nil, nil)
        rd_kafka_queue_destroy(resources.commitQueue)
        rd_kafka_queue_destroy(resources.queue)
        resources.handle.destroy(skipConsumerClose: forced)
        let commits = self.pendingCommits
        self.pendingCommits = [:]
        for (_, commit) in commits {
            commit.resume(throwing: self.stoppedError)
        }
        self.continuation.finish()
        self.rebalances.finish()
        self.errors.finish()
        // A handler that captures the consumer must not keep it alive once closed.
        self.rebalanceHandler.withLock { $0 = nil }
    }
}
