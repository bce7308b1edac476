import Synchronization

/// One rebalance event waiting for the user's handler, and what the client
/// thread must do once the handler has returned (give up revoked partitions).
///
/// The handler runs in the iterating task, between two messages — as a Java
/// or librdkafka rebalance callback runs inside `poll` — so it never runs
/// concurrently with the processing of a message, and a commit it makes covers
/// everything the loop consumed. When nobody iterates, it runs in a task of its
/// own. Either way the completion runs exactly once.
final class RebalanceStep: Sendable {
    let event: KafkaRebalanceEvent
    private let handler: KafkaRebalanceHandler
    private let completion: Mutex<(@Sendable (ConsumerEventLoop) -> Void)?>
    private let started = Atomic<Bool>(false)

    init(
        event: KafkaRebalanceEvent,
        handler: @escaping KafkaRebalanceHandler,
        completion: (@Sendable (ConsumerEventLoop) -> Void)?
    ) {
        self.event = event
        self.handler = handler
        self.completion = Mutex(completion)
    }

    /// Runs the handler (once), then the completion on the client thread.
    func run(on loop: ConsumerEventLoop) async {
        guard !self.started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        await self.handler(self.event)
        self.complete(on: loop)
    }

    /// Runs the handler in a task of its own (nobody iterates, or the iteration ended).
    func runDetached(on loop: ConsumerEventLoop) {
        guard !self.started.load(ordering: .acquiring) else { return }
        Task { await self.run(on: loop) }
    }

    private func complete(on loop: ConsumerEventLoop) {
        let completion = self.completion.withLock { completion in
            defer { completion = nil }
            return completion
        }
        loop.submit { loop in
            loop.pendingRebalanceSteps.removeAll { $0 === self }
            completion?(loop)
        }
    }
}
