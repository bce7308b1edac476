import CRdKafka
import Logging

extension ConsumerEngine {
    /// When a close starting now gives up on librdkafka's close sequence.
    private var closeDeadline: ContinuousClock.Instant { .now + self.closeTimeout }

    /// Asks the consumer to close; returns at once. Safe from any thread.
    func requestClose() {
        self.submit { engine in engine.perform(engine.confined.machine.closeRequested(deadline: engine.closeDeadline)) }
    }

    /// Closes the consumer and waits until it is closed (idempotent).
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            self.submit { engine in
                engine.perform(engine.confined.machine.closeRequested(deadline: engine.closeDeadline))
                if case .resumeNow(let waiter) = engine.confined.machine.waitForClose(continuation) { waiter.resume() }
            }
        }
    }

    /// The ``KafkaConsumer`` is gone; close unless the message stream is still being read.
    func ownerReleased() {
        self.submit { engine in engine.perform(engine.confined.machine.ownerReleased(deadline: engine.closeDeadline)) }
    }

    /// An iterator claimed the stream; returns it, or `nil` when it was claimed before.
    func claimStream() -> AsyncThrowingStream<StreamElement, any Error>? {
        let stream = self.streamClaim.withLock { claim in
            defer { claim = nil }
            return claim
        }
        if stream != nil { self.submit { engine in engine.confined.machine.iterationStarted() } }
        return stream
    }

    /// The iterator ended: the consumer closes (after storing what the loop received).
    func iterationEnded() {
        self.submit { engine in
            // Rebalance handlers the iterator will not run now run on their own.
            for step in engine.confined.pendingRebalanceSteps { step.runDetached(on: engine) }
            engine.perform(engine.confined.machine.iterationEnded(deadline: engine.closeDeadline))
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
        self.perform(self.confined.machine.closeRequested(deadline: self.closeDeadline))
    }

    /// Performs a close action of the state machine. On the thread.
    func perform(_ action: StateMachine.CloseAction) {
        guard case .beginClose(let resources, let startLibrdkafkaClose) = action else { return }
        self.logger.debug("closing consumer")
        self.markStopping(failure: nil)
        self.storeConsumedOffsets(resources)
        self.continuation.finish()
        for step in self.confined.pendingRebalanceSteps { step.runDetached(on: self) }
        // Otherwise the commits in flight finish first: librdkafka 2.0.2 can abort
        // (rd_kafka_cgrp_terminated: assert !rd_kafka_assignment_in_progress) when the group
        // is closed while a commit is in flight (see `serveClosing`).
        if startLibrdkafkaClose { self.startLibrdkafkaClose(resources) }
        // The close completes in `serveClosing`, which the queue wakes as librdkafka makes progress.
        self.thread.wake()
    }

    /// Starts librdkafka's close (final commit, LeaveGroup). On the thread.
    private func startLibrdkafkaClose(_ resources: Resources) {
        if let error = rd_kafka_consumer_close_queue(resources.handle.pointer, resources.queue) {
            let failure = KafkaError.consuming(error, context: "consumer close")
            self.logger.warning("consumer close reported an error", metadata: ["kafka.error": "\(failure)"])
        }
    }

    /// Moves a closing consumer on: commits in flight, librdkafka's close, then the teardown.
    /// Returns how long the thread may sleep. On the thread.
    func serveClosing(_ resources: Resources) -> ClientThread.Sleep {
        _ = rd_kafka_queue_poll_callback(resources.commitQueue, 0)
        self.discardMessages(resources)
        let action = self.confined.machine.closeProgress(now: .now) {
            rd_kafka_consumer_closed(resources.handle.pointer) != 0
        }
        switch action {
        case .waitForCommits, .waitForLibrdkafka:
            // Woken by the queues as commits complete and the close progresses; the
            // timeout is only a safety net.
            return .atMost(milliseconds: 20)
        case .startLibrdkafkaClose(let resources):
            self.startLibrdkafkaClose(resources)
            return .atMost(milliseconds: 20)
        case .finish(let resources, let forced, let commits, let waiters):
            let resume = CloseWaiters(waiters)
            if forced {
                self.logger.warning("consumer close did not finish in time (broker unreachable?): destroying it without LeaveGroup")
                // librdkafka may still wait for its unanswered requests while it is destroyed:
                // the caller of close() does not.
                resume.resumeAll()
                self.destroy(resources, commits: commits, forced: true) {}
            } else {
                _ = rd_kafka_queue_poll_callback(resources.commitQueue, 0)
                self.destroy(resources, commits: commits, forced: false) { resume.resumeAll() }
            }
            self.logger.debug("consumer closed")
            self.thread.stop()
            return .untilWoken
        }
    }

    /// Destroys whatever is still queued while closing: those messages were never handed out.
    private func discardMessages(_ resources: Resources) {
        let buffer = self.confined.pollBuffer
        while true {
            let count = rd_kafka_consume_batch_queue(resources.queue, 0, buffer.pointer, buffer.capacity)
            guard count > 0 else { return }
            for index in 0..<count { rd_kafka_message_destroy(buffer[index]) }
        }
    }

    /// Tears down a consumer that could not start. On the creating thread.
    func destroy() {
        guard let (resources, commits) = self.confined.machine.abandon() else { return }
        self.release(commits: commits)
        self.core.destroy(queues: [resources.commitQueue, resources.queue])
    }

    /// Fails the commits still waiting, ends the streams, then destroys the queues and the
    /// handle on the call thread once the broker queries admitted before have returned, and
    /// runs `then` there. `forced`: the close sequence did not finish in time; skip it.
    private func destroy(
        _ resources: Resources, commits: [CheckedContinuation<Void, any Error>], forced: Bool, then: @escaping @Sendable () -> Void
    ) {
        self.release(commits: commits)
        self.core.destroyAfterBlockingCalls(queues: [resources.commitQueue, resources.queue], skipConsumerClose: forced, then: then)
    }

    /// What goes with the handle: the offset store, the commits still waiting, the streams, the handler.
    private func release(commits: [CheckedContinuation<Void, any Error>]) {
        self.offsetStore.close()
        for commit in commits { commit.resume(throwing: self.stoppedError) }
        self.continuation.finish()
        self.rebalances.finish()
        self.errors.finish()
        // A handler that captures the consumer must not keep it alive once closed.
        self.rebalanceHandler.withLock { $0 = nil }
    }
}

/// The callers of ``ConsumerEngine/close()`` waiting for the teardown, handed to the thread that finishes it.
private struct CloseWaiters: Sendable {
    let waiters: [CheckedContinuation<Void, Never>]

    init(_ waiters: [CheckedContinuation<Void, Never>]) {
        self.waiters = waiters
    }

    func resumeAll() {
        for waiter in self.waiters { waiter.resume() }
    }
}
