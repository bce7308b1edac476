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
    private let completion: Mutex<(@Sendable (ConsumerEngine) -> Void)?>
    private let started = Atomic<Bool>(false)

    init(
        event: KafkaRebalanceEvent,
        handler: @escaping KafkaRebalanceHandler,
        completion: (@Sendable (ConsumerEngine) -> Void)?
    ) {
        self.event = event
        self.handler = handler
        self.completion = Mutex(completion)
    }

    /// Runs the handler (once), then the completion on the client thread.
    func run(on engine: ConsumerEngine) async {
        guard !self.started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        await self.handler(self.event)
        self.complete(on: engine)
    }

    /// Runs the handler in a task of its own (nobody iterates, or the iteration ended).
    func runDetached(on engine: ConsumerEngine) {
        guard !self.started.load(ordering: .acquiring) else { return }
        Task { await self.run(on: engine) }
    }

    private func complete(on engine: ConsumerEngine) {
        let completion = self.completion.withLock { completion in
            defer { completion = nil }
            return completion
        }
        engine.submit { engine in
            engine.confined.pendingRebalanceSteps.removeAll { $0 === self }
            completion?(engine)
        }
    }
}
