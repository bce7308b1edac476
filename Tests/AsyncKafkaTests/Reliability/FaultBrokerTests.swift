import AsyncKafka
import AsyncKafkaTesting
import Testing

/// Broker faults: a broker going down and coming back, partition leadership moving, a slow
/// broker. A consumer reads with `assign` (no group: the group is not the point) while the
/// producer sends, and every numbered message must arrive.
@Suite("Faults: brokers")
struct FaultBrokerTests {
    /// A producer that waits up to 60 s for a broker to come back.
    private static func patientProducer(_ topic: FaultTopic) throws -> KafkaProducer {
        var configuration = topic.cluster.producerConfiguration()
        configuration.messageTimeout = .seconds(60)
        return try KafkaProducer(configuration: configuration)
    }

    @Test("broker down then up: sends to its partitions wait, then everything arrives once")
    func brokerDownThenUp() async throws {
        let topic = try FaultTopic("down", brokers: 3)
        let cluster = topic.cluster
        // Partitions 0 and 1 on broker 1 (the one that goes down), 2 and 3 on broker 2.
        try topic.setLeaders { $0 < 2 ? 1 : 2 }
        let total = 4_000
        let tally = NumberTally(expected: total)
        let producer = try Self.patientProducer(topic)
        let (consumer, reading) = try await topic.reader(into: tally)

        try await topic.produce(Array(0..<total / 2), with: producer)
        try cluster.setBrokerDown(1)
        let secondHalf = Array(total / 2..<total)
        let onDownBroker = secondHalf.filter { $0 % topic.partitions < 2 }
        let waitingDone = SharedCounter()
        let waiting = Task {
            defer { waitingDone.add() }
            return try await topic.produce(onDownBroker, with: producer)
        }
        // The other broker's partitions are acknowledged while broker 1 is down...
        try await topic.produce(secondHalf.filter { $0 % topic.partitions >= 2 }, with: producer)
        // ...and those of the down broker are not: the fault really took effect.
        let acknowledgedWhileDown = waitingDone.count > 0
        try cluster.setBrokerUp(1)
        _ = try await waiting.value
        try await reading.value
        await consumer.close()
        await producer.close()
        let logSize = try await topic.logSize()

        #expect(!acknowledgedWhileDown, "sends to the down broker's partitions completed while it was down")
        #expect(tally.lost == 0, "lost: \(tally.missing)")
        #expect(tally.duplicates == 0, "the assigned consumer re-read \(tally.duplicates) messages")
        #expect(tally.orderViolations.isEmpty, "\(tally.orderViolations.prefix(5))")
        #expect(logSize >= Int64(total))
        topic.emit(
            "Broker down then up (1 of 3 brokers, leader of 2 of 4 partitions)",
            figures: tally.figures(produced: total) + [("log records", "\(logSize)"), ("faults", "1 outage")],
            asserted: "0 lost, 0 duplicates read, sends to the down broker wait for it"
        )
    }

    @Test("partition leaders moved: clients follow, and the old leader can then go down")
    func leaderMoved() async throws {
        let topic = try FaultTopic("leader", brokers: 3)
        try topic.setLeaders { _ in 1 }
        let total = 3_000
        let tally = NumberTally(expected: total)
        let producer = try Self.patientProducer(topic)
        let (consumer, reading) = try await topic.reader(into: tally)

        try await topic.produce(Array(0..<1_000), with: producer)
        try topic.setLeaders { $0 % 2 == 0 ? 2 : 3 }
        // Broker 1 is still up and refuses requests for partitions it no longer leads.
        try await topic.produce(Array(1_000..<2_000), with: producer)
        // With the old leader gone, only clients that followed the move can go on.
        try topic.cluster.setBrokerDown(1)
        try await topic.produce(Array(2_000..<total), with: producer)
        try await reading.value
        await consumer.close()
        await producer.close()
        let logSize = try await topic.logSize()

        #expect(tally.lost == 0, "lost: \(tally.missing)")
        #expect(tally.duplicates == 0)
        #expect(tally.orderViolations.isEmpty, "\(tally.orderViolations.prefix(5))")
        #expect(logSize == Int64(total), "refused produce requests must not be stored")
        topic.emit(
            "Partition leaders moved (broker 1 → 2 and 3), then old leader down",
            figures: tally.figures(produced: total) + [("log records", "\(logSize)"), ("faults", "4 moves + 1 outage")],
            asserted: "0 lost, 0 duplicates in log or reads, order kept"
        )
    }

    @Test("high round-trip time: every response 250 ms late, nothing lost")
    func highRoundTripTime() async throws {
        let topic = try FaultTopic("rtt")
        let total = 2_000
        let tally = NumberTally(expected: total)
        let producer = try KafkaProducer(configuration: topic.cluster.producerConfiguration())
        // Connect before slowing the broker, then measure one acknowledged send under the delay.
        _ = try await producer.send(KafkaProducerMessage(topic: topic.name, partition: 0, value: "warm-up"))
        try topic.cluster.setBrokerRoundTripTime(1, .milliseconds(250))
        let single = Stopwatch()
        _ = try await producer.send(KafkaProducerMessage(topic: topic.name, partition: 0, value: "timed"))
        let singleMilliseconds = single.milliseconds
        let (consumer, reading) = try await topic.reader(into: tally)
        try await topic.produce(Array(0..<total), with: producer)
        try await reading.value
        await consumer.close()
        await producer.close()

        #expect(singleMilliseconds >= 240, "a send took \(singleMilliseconds) ms: the delay was not applied")
        #expect(tally.lost == 0, "lost: \(tally.missing)")
        #expect(tally.duplicates == 0)
        #expect(tally.foreign == 2, "the warm-up and timed messages")
        topic.emit(
            "High RTT (250 ms on every response)",
            figures: tally.figures(produced: total, consumed: tally.reads - tally.foreign) + [("one send ms", "\(singleMilliseconds)")],
            asserted: "0 lost, 0 duplicates, delay observed"
        )
    }
}
