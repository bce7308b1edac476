import AsyncKafka
import AsyncKafkaTesting
import Foundation
import Testing

extension LifecycleStress {
    /// Consumer close and commit racing cancellation.
    @Suite("Consumer close and commit stress")
    struct ConsumerCloseRaces {
        @Test("close() racing task cancellation and a second close(): all return, the consumer is closed")
        func closeRacingCancellation() async throws {
            let (run, topic) = try await StressRun.begin(topic: "stress-close", messages: 50)
            for cycle in 0..<run.cycles {
                let consumer = try await run.consumer(topic)
                let seen = StressSignal()
                let task = stressReader(consumer, signal: seen)
                await seen.wait()
                // Three ways to end the consumer at once, started in a different order each cycle.
                let order = cycle % 3
                async let first: Void = order == 0 ? task.cancel() : consumer.close()
                async let second: Void = order == 1 ? task.cancel() : consumer.close()
                if order == 2 { task.cancel() }
                _ = await (first, second)
                task.cancel()
                let values = try await task.value
                await consumer.close()
                #expect(!values.isEmpty && isPrefixOfStressTopic(values), "cycle \(cycle)")
                let error = await #expect(throws: KafkaError.self) {
                    try await consumer.assign([KafkaTopicPartition(topic: topic, partition: 0)])
                }
                #expect(error?.code == .clientClosed, "cycle \(cycle)")
            }
            try await run.finish(
                "Consumer close() racing cancellation and a second close()",
                asserted: "every call returns, consumer closed (clientClosed), freed; librdkafka handles back to baseline"
            )
        }

        enum CommitOutcome { case committed, closedFirst }

        /// Whether close() also races the commit in flight (odd cycles): `ASYNCKAFKA_STRESS_CLOSE_DURING_COMMIT=1`.
        ///
        /// Off by default: librdkafka 2.0.2 can abort the process when its consumer group is torn
        /// down while assignment work is in flight (`rdkafka_cgrp.c:2583: rd_kafka_cgrp_terminated:
        /// assert: !rd_kafka_assignment_in_progress`, librdkafka issues #4027 and #4792). AsyncKafka's
        /// close waits for its own commits in flight before it closes librdkafka's consumer, which
        /// passed 2,000 cycles alone; but when the close deadline passes and the consumer is
        /// destroyed without finishing its close (as in a loaded full-suite run at 1,000 cycles), the
        /// assert can still fire inside librdkafka.
        static let closeDuringCommit = ProcessInfo.processInfo.environment["ASYNCKAFKA_STRESS_CLOSE_DURING_COMMIT"] == "1"

        /// One commit cycle: the loop commits its first message; the task is cancelled while the
        /// commit waits for the coordinator (and with ``closeDuringCommit``, on odd cycles the
        /// consumer closes at the same time).
        static func commitCycle(_ cycle: Int, run: StressRun, topic: String) async throws -> CommitOutcome? {
            let closing = closeDuringCommit && cycle % 2 == 1
            let consumer = try await run.consumer(topic, group: Unique.name("stress-commit"))
            let inFlight = StressSignal()
            let task = Task { () -> Result<Void, KafkaError>? in
                for try await message in consumer.messages {
                    inFlight.fire()
                    do throws(KafkaError) {
                        try await consumer.commit(message)
                        return .success(())
                    } catch {
                        return .failure(error)
                    }
                }
                return nil
            }
            await inFlight.wait()
            task.cancel()
            if closing { await consumer.close() }
            let result = try await task.value
            await consumer.close()
            switch result {
            case nil:
                Issue.record("cycle \(cycle): the loop ended before its first message")
                return nil
            case .success:
                return .committed
            case .failure(let error):
                // Only a close that won the race may fail the commit, and only as "closed".
                #expect(closing && error.code == .clientClosed, "cycle \(cycle): \(error)")
                return .closedFirst
            }
        }

        @Test("a commit in flight while its task is cancelled: it completes, nothing hangs")
        func commitRacingCancellation() async throws {
            let (run, topic) = try await StressRun.begin(topic: "stress-commit", messages: 20)
            // Each commit first finds the group coordinator (a few hundred ms on a new client), so
            // eight cycles run at a time.
            let width = 8
            var outcomes: [CommitOutcome?] = []
            for batch in stride(from: 0, to: run.cycles, by: width) {
                outcomes += try await withThrowingTaskGroup(of: CommitOutcome?.self) { group in
                    for cycle in batch..<min(batch + width, run.cycles) {
                        group.addTask { try await Self.commitCycle(cycle, run: run, topic: topic) }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
            let committed = outcomes.count { $0 == .committed }
            let closedFirst = outcomes.count { $0 == .closedFirst }
            try await run.finish(
                "Consumer commit in flight while its task is cancelled",
                detail:
                    "committed=\(committed), closed first=\(closedFirst), close racing=\(Self.closeDuringCommit ? "odd cycles" : "off")",
                asserted: "commit completes or reports clientClosed, no hang, freed; librdkafka handles back to baseline"
            )
        }
    }
}
