import AsyncKafka
import AsyncKafkaTesting
import Synchronization
import Testing

extension LifecycleStress {
    /// Cancellation during a consumer-group rebalance.
    ///
    /// A group join on the embedded broker takes ~3 s, so these are few cycles
    /// (``StressSettings/groupCycles``: 3 by default, 10 with 1,000 stress cycles),
    /// all running at once, each in its own group.
    @Suite("Consumer group rebalance stress")
    struct GroupRebalances {
        enum Moment: Int, CaseIterable {
            /// The iterating task is cancelled while the group join is still in progress.
            case duringJoin
            /// The iterating task cancels itself inside the rebalance handler's `assigned` call.
            case insideAssigned
            /// The task is cancelled and close() called again while the `revoked` handler (run by close) is busy.
            case insideRevoked
        }

        /// One group member's cycle; returns how many messages its loop read.
        static func cycle(_ moment: Moment, run: StressRun, topic: String) async throws -> Int {
            let configuration = run.cluster.consumerConfiguration(group: Unique.name("stress-group"))
            let consumer = try KafkaConsumer(configuration: configuration)
            run.watch.watch(consumer)
            let assigned = StressSignal()
            let inRevoke = StressSignal()
            let releaseRevoke = StressSignal()
            let sawAssigned = Atomic<Bool>(false)
            await consumer.setRebalanceHandler { event in
                switch event.kind {
                case .assigned:
                    sawAssigned.store(true, ordering: .relaxed)
                    assigned.fire()
                    if moment == .insideAssigned { withUnsafeCurrentTask { $0?.cancel() } }
                default:  // revoked or lost
                    guard moment == .insideRevoked else { return }
                    inRevoke.fire()
                    await releaseRevoke.wait()
                }
            }
            try await consumer.subscribe(to: [topic])
            let seen = StressSignal()
            let task = Task {
                var count = 0
                for try await _ in consumer.messages {
                    count += 1
                    seen.fire()
                }
                return count
            }
            switch moment {
            case .duringJoin:
                task.cancel()
            case .insideAssigned:
                await assigned.wait()
            case .insideRevoked:
                await seen.wait()
                async let closing: Void = consumer.close()
                await inRevoke.wait()
                task.cancel()
                async let again: Void = consumer.close()
                releaseRevoke.fire()
                _ = await (closing, again)
            }
            let count = try await task.value
            await consumer.close()
            switch moment {
            case .duringJoin:
                // Nothing can be read before the join completes, which takes seconds.
                #expect(count == 0 && !sawAssigned.load(ordering: .relaxed))
            case .insideAssigned:
                // The handler ran before the first message of the assignment was handed out.
                #expect(count == 0)
            case .insideRevoked:
                #expect(count >= 1)
            }
            return count
        }

        @Test("cancelled during the join, inside the assigned handler, inside the revoked handler: no hang or leak")
        func cancelDuringRebalance() async throws {
            let (run, topic) = try await StressRun.begin(cycles: StressSettings.groupCycles) { cluster in
                let topic = try await cluster.makeTopic("stress-group", partitions: 2)
                _ = try await cluster.produce((0..<20).map { "m\($0)" }, to: topic, partition: nil)
                return topic
            }
            let moments = (0..<run.cycles).map { Moment.allCases[$0 % Moment.allCases.count] }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for moment in moments {
                    group.addTask { _ = try await Self.cycle(moment, run: run, topic: topic) }
                }
                try await group.waitForAll()
            }
            let counts = Moment.allCases.map { moment in "\(moment)=\(moments.count { $0 == moment })" }
            try await run.finish(
                "Consumer group cancelled during a rebalance (join, assigned, revoked)", detail: counts.joined(separator: ", "),
                asserted: "no hang, nothing read before assignment, freed; librdkafka handles back to baseline"
            )
        }
    }
}
