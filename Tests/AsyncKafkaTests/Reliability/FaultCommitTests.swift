import AsyncKafka
import AsyncKafkaTesting
import Testing

/// OffsetCommit requests answered with injected errors. The consumers use `assign` with a
/// group id: commits go to the group coordinator without a group join, which is not the point.
@Suite("Faults: offset commits")
struct FaultCommitTests {
    private static let partitions = 4
    private static let total = 2_000

    private static func assignStored(_ consumer: KafkaConsumer, _ topic: String) async throws {
        try await consumer.assign(NumberedMessages.partitions(of: topic, count: Self.partitions, offset: .stored))
    }

    @Test("after an error has stopped the consumer, commit() throws that error, not 'closed' or success")
    func commitAfterErrorStop() async throws {
        let cluster = try EmbeddedKafkaCluster()
        let topic = Unique.name("commit-after-stop")
        try await NumberedMessages.fill(topic, partitions: Self.partitions, total: 200, cluster: cluster)
        let consumer = try KafkaConsumer(configuration: cluster.manualCommitConsumerConfiguration())
        try await Self.assignStored(consumer, topic)
        // If the error never surfaced the loop would wait for ever: give up after 30 s.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(30))
            await consumer.close()
        }
        defer { watchdog.cancel() }
        var read = 0
        var surfaced: KafkaError?
        do {
            for try await message in consumer.messages {
                read += 1
                if read == 50 {
                    try consumer.store(message)
                    try cluster.pushRequestErrors(.fetch, [.topicAuthorizationFailed])
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
        let watch = Stopwatch()
        let cluster = try EmbeddedKafkaCluster()
        let topic = Unique.name("commit-retry")
        try await NumberedMessages.fill(topic, partitions: Self.partitions, total: Self.total, cluster: cluster)
        let group = Unique.name("group")
        let tally = NumberTally(expected: Self.total)

        let first = try KafkaConsumer(configuration: cluster.manualCommitConsumerConfiguration(group: group))
        try await Self.assignStored(first, topic)
        let injected: [InjectedError] = [.coordinatorLoadInProgress, .requestTimedOut, .notCoordinator, .coordinatorNotAvailable]
        var failures: [KafkaError] = []
        var committed = false
        var processed = 0
        for try await message in first.messages {
            tally.record(message)
            try first.store(message)
            processed += 1
            guard processed == Self.total / 2 else { continue }
            try cluster.pushRequestErrors(.offsetCommit, injected)
            // A user's retry loop: retriable failures are retried until the commit goes through.
            for _ in 0..<20 where !committed {
                do {
                    try await first.commit()
                    committed = true
                } catch {
                    failures.append(error)
                    if !error.isRetriable { break }
                }
            }
            break
        }
        await first.close()

        try await tally.readRest(configuration: cluster.manualCommitConsumerConfiguration(group: group)) { try await Self.assignStored($0, topic) }

        #expect(committed, "\(failures)")
        #expect(failures.allSatisfy { $0.isRetriable }, "\(failures)")
        #expect(tally.lost == 0, "lost: \(tally.missing)")
        #expect(tally.duplicates == 0, "the commit went through: nothing is read twice")
        ReliabilityRecord(
            section: "Faults",
            scenario: "OffsetCommit errors, retriable (COORDINATOR_LOAD_IN_PROGRESS, REQUEST_TIMED_OUT, NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE)",
            figures: [
                "produced": "\(Self.total)", "consumed": "\(tally.reads)", "lost": "\(tally.lost)",
                "duplicates": "\(tally.duplicates)", "errors injected": "\(injected.count)",
                "commit attempts failed": "\(failures.count)", "ms": "\(watch.milliseconds)",
            ],
            asserted: "commit succeeds (with retries), 0 lost, 0 duplicates"
        ).emit()
    }

    @Test("non-retriable OffsetCommit error: commit throws it, the next consumer resumes from the last good commit")
    func nonRetriableCommitError() async throws {
        let watch = Stopwatch()
        let cluster = try EmbeddedKafkaCluster()
        let topic = Unique.name("commit-fail")
        try await NumberedMessages.fill(topic, partitions: Self.partitions, total: Self.total, cluster: cluster)
        let group = Unique.name("group")
        let tally = NumberTally(expected: Self.total)

        let first = try KafkaConsumer(configuration: cluster.manualCommitConsumerConfiguration(group: group))
        try await Self.assignStored(first, topic)
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
            try cluster.pushRequestErrors(.offsetCommit, [.groupAuthorizationFailed])
            do {
                try await first.commit()
            } catch {
                surfaced = error
            }
            break
        }
        await first.close()

        try await tally.readRest(configuration: cluster.manualCommitConsumerConfiguration(group: group)) { try await Self.assignStored($0, topic) }

        #expect(surfaced?.code == .commitFailed, "\(String(describing: surfaced))")
        #expect(surfaced?.librdkafkaCode?.name == "GROUP_AUTHORIZATION_FAILED")
        #expect(surfaced?.isRetriable == false)
        #expect(tally.lost == 0, "lost: \(tally.missing)")
        // Exactly the window whose commit was refused is read again.
        #expect(tally.duplicates == refusedWindow)
        ReliabilityRecord(
            section: "Faults",
            scenario: "OffsetCommit error, non-retriable (GROUP_AUTHORIZATION_FAILED), then a new consumer",
            figures: [
                "produced": "\(Self.total)", "consumed": "\(tally.reads)", "lost": "\(tally.lost)",
                "duplicates": "\(tally.duplicates)", "uncommitted window": "\(refusedWindow)", "errors injected": "1",
                "errors surfaced": surfaced == nil ? "0" : "1", "ms": "\(watch.milliseconds)",
            ],
            asserted: "commit throws .commitFailed [GROUP_AUTHORIZATION_FAILED]; 0 lost; duplicates = refused window"
        ).emit()
    }
}
