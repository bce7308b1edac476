import AsyncKafka
import AsyncKafkaTesting
import Testing

/// OffsetCommit requests answered with injected errors. The consumers use `assign` with a
/// group id: commits go to the group coordinator without a group join, which is not the point.
@Suite("Faults: offset commits")
struct FaultCommitTests {
    private static let total = 2_000

    @Test("after an error has stopped the consumer, commit() throws that error, not 'closed' or success")
    func commitAfterErrorStop() async throws {
        let topic = try FaultTopic("commit-after-stop")
        try await topic.fill(total: 200)
        let consumer = try await KafkaConsumer.assigned(
            to: topic.all(at: .stored), configuration: topic.cluster.manualCommitConsumerConfiguration())
        // If the error never surfaced the loop would wait for ever: give up after 30 s.
        let watchdog = closeWatchdog(consumer)
        defer { watchdog.cancel() }
        var read = 0
        var surfaced: KafkaError?
        do {
            for try await message in consumer.messages {
                read += 1
                if read == 50 {
                    try consumer.store(message)
                    try topic.cluster.pushRequestErrors(.fetch, [.topicAuthorizationFailed])
                }
            }
        } catch let error as KafkaError {
            surfaced = error
        }
        #expect(surfaced?.librdkafkaCode?.name == "TOPIC_AUTHORIZATION_FAILED", "\(String(describing: surfaced))")
        // The stored offset was not committed (the partitions are given up): the commit says why.
        let refused = await #expect(throws: KafkaError.self) { try await consumer.commit() }
        #expect(refused?.librdkafkaCode?.name == "TOPIC_AUTHORIZATION_FAILED", "\(String(describing: refused))")
        await consumer.close()
    }

    @Test("retriable OffsetCommit errors: retrying commit() succeeds, the next consumer repeats nothing")
    func retriableCommitErrors() async throws {
        let (topic, group, tally, first) = try await Self.firstConsumer("commit-retry")
        let injected: [InjectedError] = [.coordinatorLoadInProgress, .requestTimedOut, .notCoordinator, .coordinatorNotAvailable]
        var failures: [KafkaError] = []
        var committed = false
        var processed = 0
        for try await message in first.messages {
            tally.record(message)
            try first.store(message)
            processed += 1
            guard processed == Self.total / 2 else { continue }
            try topic.cluster.pushRequestErrors(.offsetCommit, injected)
            // A user's retry loop: retriable failures are retried until the commit goes through.
            (committed, failures) = await commitRetrying(first, attempts: 20)
            break
        }
        await first.close()

        try await Self.readRest(topic, group: group, into: tally)

        #expect(committed, "\(failures)")
        #expect(failures.allSatisfy { $0.isRetriable }, "\(failures)")
        #expect(tally.lost == 0, "lost: \(tally.missing)")
        #expect(tally.duplicates == 0, "the commit went through: nothing is read twice")
        topic.emit(
            "OffsetCommit errors, retriable (COORDINATOR_LOAD_IN_PROGRESS, REQUEST_TIMED_OUT, NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE)",
            figures: tally.figures(produced: Self.total) + [
                ("errors injected", "\(injected.count)"), ("commit attempts failed", "\(failures.count)"),
            ],
            asserted: "commit succeeds (with retries), 0 lost, 0 duplicates"
        )
    }

    @Test("non-retriable OffsetCommit error: commit throws it, the next consumer resumes from the last good commit")
    func nonRetriableCommitError() async throws {
        let (topic, group, tally, first) = try await Self.firstConsumer("commit-fail")
        let goodCommit = 700
        let refusedWindow = 500
        var surfaced: KafkaError?
        var processed = 0
        for try await message in first.messages {
            tally.record(message)
            try first.store(message)
            processed += 1
            if processed == goodCommit { try await first.commit() }
            guard processed == goodCommit + refusedWindow else { continue }
            try topic.cluster.pushRequestErrors(.offsetCommit, [.groupAuthorizationFailed])
            do {
                try await first.commit()
            } catch {
                surfaced = error
            }
            break
        }
        await first.close()

        try await Self.readRest(topic, group: group, into: tally)

        #expect(surfaced?.code == .commitFailed, "\(String(describing: surfaced))")
        #expect(surfaced?.librdkafkaCode?.name == "GROUP_AUTHORIZATION_FAILED")
        #expect(surfaced?.isRetriable == false)
        #expect(tally.lost == 0, "lost: \(tally.missing)")
        // Exactly the window whose commit was refused is read again.
        #expect(tally.duplicates == refusedWindow)
        topic.emit(
            "OffsetCommit error, non-retriable (GROUP_AUTHORIZATION_FAILED), then a new consumer",
            figures: tally.figures(produced: Self.total) + [
                ("uncommitted window", "\(refusedWindow)"), ("errors injected", "1"), ("errors surfaced", surfaced == nil ? "0" : "1"),
            ],
            asserted: "commit throws .commitFailed [GROUP_AUTHORIZATION_FAILED]; 0 lost; duplicates = refused window"
        )
    }

    /// A topic filled with the numbers, a group, a tally of them, and the group's first consumer
    /// (manual commits) assigned every partition from the stored offsets.
    private static func firstConsumer(_ prefix: String) async throws -> (FaultTopic, String, NumberTally, KafkaConsumer) {
        let topic = try FaultTopic(prefix)
        try await topic.fill(total: Self.total)
        let group = Unique.name("group")
        let first = try await KafkaConsumer.assigned(
            to: topic.all(at: .stored), configuration: topic.cluster.manualCommitConsumerConfiguration(group: group))
        return (topic, group, NumberTally(expected: Self.total), first)
    }

    /// The group's next consumer reads the rest from the committed offsets.
    private static func readRest(_ topic: FaultTopic, group: String, into tally: NumberTally) async throws {
        try await tally.readRest(configuration: topic.cluster.manualCommitConsumerConfiguration(group: group)) {
            try await $0.assign(topic.all(at: .stored))
        }
    }
}
