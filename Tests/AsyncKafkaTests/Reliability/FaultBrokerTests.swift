import AsyncKafka
import AsyncKafkaTesting
import Testing

/// Broker faults: a broker going down and coming back, partition leadership moving, a slow
/// broker. A consumer reads with `assign` (no group: the group is not the point) while the
/// producer sends, and every numbered message must arrive.
@Suite("Faults: brokers")
struct FaultBrokerTests {
    private static let partitions = 4

    @Test("broker down then up: sends to its partitions wait, then everything arrives once")
    func brokerDownThenUp() async throws {
        let watch = Stopwatch()
        let cluster = try EmbeddedKafkaCluster(brokers: 3)
        let topic = Unique.name("down")
        try cluster.createTopic(topic, partitions: Self.partitions)
        // Partitions 0 and 1 on broker 1 (the one that goes down), 2 and 3 on broker 2.
        for partition in 0..<Self.partitions {
            try cluster.setPartitionLeader(topic: topic, partition: partition, broker: partition < 2 ? 1 : 2)
        }
        let total = 4_000
        let tally = NumberTally(expected: total)
        var configuration = cluster.producerConfiguration()
        configuration.messageTimeout = .seconds(60)
        let producer = try KafkaProducer(configuration: configuration)
        let (consumer, reading) = try await NumberedMessages.reader(topic, partitions: Self.partitions, cluster: cluster, into: tally)

        _ = try await NumberedMessages.produce(Array(0..<total / 2), to: topic, partitions: Self.partitions, with: producer)
        try cluster.setBrokerDown(1)
        let secondHalf = Array(total / 2..<total)
        let onDownBroker = secondHalf.filter { $0 % Self.partitions < 2 }
        let waitingDone = SharedCounter()
        let waiting = Task {
            defer { waitingDone.add() }
            return try await NumberedMessages.produce(onDownBroker, to: topic, partitions: Self.partitions, with: producer)
        }
        // The other broker's partitions are acknowledged while broker 1 is down...
        _ = try await NumberedMessages.produce(
            secondHalf.filter { $0 % Self.partitions >= 2 }, to: topic, partitions: Self.partitions, with: producer)
        // ...and those of the down broker are not: the fault really took effect.
        let acknowledgedWhileDown = waitingDone.count > 0
        try cluster.setBrokerUp(1)
        _ = try await waiting.value
        try await reading.value
        await consumer.close()
        await producer.close()
        let logSize = try await NumberedMessages.logSize(of: topic, partitions: Self.partitions, cluster: cluster)

        #expect(!acknowledgedWhileDown, "sends to the down broker's partitions completed while it was down")
        #expect(tally.lost == 0, "lost: \(tally.missing)")
        #expect(tally.duplicates == 0, "the assigned consumer re-read \(tally.duplicates) messages")
        #expect(tally.orderViolations.isEmpty, "\(tally.orderViolations.prefix(5))")
        #expect(logSize >= Int64(total))
        ReliabilityRecord(
            section: "Faults",
            scenario: "Broker down then up (1 of 3 brokers, leader of 2 of 4 partitions)",
            figures: [
                "produced": "\(total)", "consumed": "\(tally.reads)", "lost": "\(tally.lost)",
                "duplicates": "\(tally.duplicates)", "log records": "\(logSize)", "faults": "1 outage", "ms": "\(watch.milliseconds)",
            ],
            asserted: "0 lost, 0 duplicates read, sends to the down broker wait for it"
        ).emit()
    }

    @Test("partition leaders moved: clients follow, and the old leader can then go down")
    func leaderMoved() async throws {
        let watch = Stopwatch()
        let cluster = try EmbeddedKafkaCluster(brokers: 3)
        let topic = Unique.name("leader")
        try cluster.createTopic(topic, partitions: Self.partitions)
        for partition in 0..<Self.partitions { try cluster.setPartitionLeader(topic: topic, partition: partition, broker: 1) }
        let total = 3_000
        let tally = NumberTally(expected: total)
        var configuration = cluster.producerConfiguration()
        configuration.messageTimeout = .seconds(60)
        let producer = try KafkaProducer(configuration: configuration)
        let (consumer, reading) = try await NumberedMessages.reader(topic, partitions: Self.partitions, cluster: cluster, into: tally)

        let thirds = [Array(0..<1_000), Array(1_000..<2_000), Array(2_000..<total)]
        _ = try await NumberedMessages.produce(thirds[0], to: topic, partitions: Self.partitions, with: producer)
        for partition in 0..<Self.partitions {
            try cluster.setPartitionLeader(topic: topic, partition: partition, broker: partition % 2 == 0 ? 2 : 3)
        }
        // Broker 1 is still up and refuses requests for partitions it no longer leads.
        _ = try await NumberedMessages.produce(thirds[1], to: topic, partitions: Self.partitions, with: producer)
        // With the old leader gone, only clients that followed the move can go on.
        try cluster.setBrokerDown(1)
        _ = try await NumberedMessages.produce(thirds[2], to: topic, partitions: Self.partitions, with: producer)
        try await reading.value
        await consumer.close()
        await producer.close()
        let logSize = try await NumberedMessages.logSize(of: topic, partitions: Self.partitions, cluster: cluster)

        #expect(tally.lost == 0, "lost: \(tally.missing)")
        #expect(tally.duplicates == 0)
        #expect(tally.orderViolations.isEmpty, "\(tally.orderViolations.prefix(5))")
        #expect(logSize == Int64(total), "refused produce requests must not be stored")
        ReliabilityRecord(
            section: "Faults",
            scenario: "Partition leaders moved (broker 1 → 2 and 3), then old leader down",
            figures: [
                "produced": "\(total)", "consumed": "\(tally.reads)", "lost": "\(tally.lost)",
                "duplicates": "\(tally.duplicates)", "log records": "\(logSize)", "faults": "4 moves + 1 outage",
                "ms": "\(watch.milliseconds)",
            ],
            asserted: "0 lost, 0 duplicates in log or reads, order kept"
        ).emit()
    }

    @Test("high round-trip time: every response 250 ms late, nothing lost")
    func highRoundTripTime() async throws {
        let watch = Stopwatch()
        let cluster = try EmbeddedKafkaCluster()
        let topic = Unique.name("rtt")
        try cluster.createTopic(topic, partitions: Self.partitions)
        let total = 2_000
        let tally = NumberTally(expected: total)
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration())
        // Connect before slowing the broker, then measure one acknowledged send under the delay.
        _ = try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "warm-up"))
        try cluster.setBrokerRoundTripTime(1, .milliseconds(250))
        let single = Stopwatch()
        _ = try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "timed"))
        let singleMilliseconds = single.milliseconds
        let (consumer, reading) = try await NumberedMessages.reader(topic, partitions: Self.partitions, cluster: cluster, into: tally)
        _ = try await NumberedMessages.produce(Array(0..<total), to: topic, partitions: Self.partitions, with: producer)
        try await reading.value
        await consumer.close()
        await producer.close()

        #expect(singleMilliseconds >= 240, "a send took \(singleMilliseconds) ms: the delay was not applied")
        #expect(tally.lost == 0, "lost: \(tally.missing)")
        #expect(tally.duplicates == 0)
        #expect(tally.foreign == 2, "the warm-up and timed messages")
        ReliabilityRecord(
            section: "Faults",
            scenario: "High RTT (250 ms on every response)",
            figures: [
                "produced": "\(total)", "consumed": "\(tally.reads - tally.foreign)", "lost": "\(tally.lost)",
                "duplicates": "\(tally.duplicates)", "one send ms": "\(singleMilliseconds)", "ms": "\(watch.milliseconds)",
            ],
            asserted: "0 lost, 0 duplicates, delay observed"
        ).emit()
    }
}
