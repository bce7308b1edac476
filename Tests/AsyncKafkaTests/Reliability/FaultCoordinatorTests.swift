import AsyncKafka
import AsyncKafkaTesting
import Testing

/// The group coordinator moves to another broker, and the old one then goes down: a member
/// that did not follow the move could neither heartbeat nor commit.
@Suite("Faults: group coordinator")
struct FaultCoordinatorTests {
    @Test("group coordinator moved, old coordinator down: commits go on, the next member resumes exactly")
    func coordinatorMoved() async throws {
        let faultTopic = try FaultTopic("coordinator", brokers: 3)
        let (cluster, topic) = (faultTopic.cluster, faultTopic.name)
        // Data on broker 3, which stays up; the coordinator starts on broker 1.
        try faultTopic.setLeaders { _ in 3 }
        let group = Unique.name("group")
        try cluster.setCoordinator(.group, key: group, broker: 1)
        let total = 2_000
        try await faultTopic.fill(total: total)

        var configuration = cluster.consumerConfiguration(group: group)
        configuration.enableAutoCommit = false
        configuration.sessionTimeout = .seconds(3)
        configuration.properties["heartbeat.interval.ms"] = "200"
        let tally = NumberTally(expected: total)
        let consumer = try KafkaConsumer(configuration: configuration)
        try await consumer.subscribe(to: [topic])
        var processed = 0
        var commitFailures: [KafkaError] = []
        var committedAfterMove = false
        let stopAt = total * 3 / 4
        for try await message in consumer.messages {
            tally.record(message)
            processed += 1
            if processed == total / 4 {
                try await consumer.commit(message)
                try cluster.setCoordinator(.group, key: group, broker: 2)
                try cluster.setBrokerDown(1)
            }
            guard processed == stopAt else { continue }
            // The first commit after the move may meet the dead connection; a user retries
            // retriable failures. Only the new coordinator can take it.
            (committedAfterMove, commitFailures) = await commitRetrying(consumer, attempts: 30)
            break
        }
        await consumer.close()

        // A new member of the group (joining through the new coordinator) resumes where the
        // last commit left off: the message in hand at the break (not consumed) and the rest.
        try await tally.readRest(configuration: configuration) { try await $0.subscribe(to: [topic]) }

        #expect(committedAfterMove, "\(commitFailures)")
        #expect(tally.lost == 0, "lost: \(tally.missing)")
        // Only the message in hand at the break is read again.
        #expect(tally.duplicates <= 1, "duplicates: \(tally.duplicates)")
        faultTopic.emit(
            "Group coordinator moved (broker 1 → 2), old coordinator down",
            figures: tally.figures(produced: total) + [("commit retries", "\(commitFailures.count)")],
            asserted: "commit after the move succeeds, 0 lost, at most the message in hand re-read"
        )
    }
}
