import AsyncKafka
import AsyncKafkaTesting
import Testing

/// The group coordinator moves to another broker, and the old one then goes down: a member
/// that did not follow the move could neither heartbeat nor commit.
@Suite("Faults: group coordinator")
struct FaultCoordinatorTests {
    private static let partitions = 4

    @Test("group coordinator moved, old coordinator down: commits go on, the next member resumes exactly")
    func coordinatorMoved() async throws {
        let watch = Stopwatch()
        let cluster = try EmbeddedKafkaCluster(brokers: 3)
        let topic = Unique.name("coordinator")
        try cluster.createTopic(topic, partitions: Self.partitions)
        // Data on broker 3, which stays up; the coordinator starts on broker 1.
        for partition in 0..<Self.partitions { try cluster.setPartitionLeader(topic: topic, partition: partition, broker: 3) }
        let group = Unique.name("group")
        try cluster.setCoordinator(.group, key: group, broker: 1)
        let total = 2_000
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration())
        _ = try await NumberedMessages.produce(Array(0..<total), to: topic, partitions: Self.partitions, with: producer)
        await producer.close()

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
            for _ in 0..<30 where !committedAfterMove {
                do {
                    try await consumer.commit()
                    committedAfterMove = true
                } catch {
                    commitFailures.append(error)
                    if !error.isRetriable { break }
                }
            }
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
        ReliabilityRecord(
            section: "Faults",
            scenario: "Group coordinator moved (broker 1 → 2), old coordinator down",
            figures: [
                "produced": "\(total)", "consumed": "\(tally.reads)", "lost": "\(tally.lost)",
                "duplicates": "\(tally.duplicates)", "commit retries": "\(commitFailures.count)",
                "ms": "\(watch.milliseconds)",
            ],
            asserted: "commit after the move succeeds, 0 lost, at most the message in hand re-read"
        ).emit()
    }
}
