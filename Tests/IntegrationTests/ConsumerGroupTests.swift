import AsyncKafka
import Synchronization
import Testing

/// Consumer groups against a real group coordinator.
@Suite(.enabled(if: Integration.enabled, "ASYNCKAFKA_TEST_BROKERS is not set"))
struct ConsumerGroupTests {
    /// What a member recorded: every message it read, by partition and offset.
    final class Received: Sendable {
        private let seen = Mutex<[String: [Int64]]>([:])

        func add(_ message: KafkaMessage) {
            self.seen.withLock { $0["\(message.partition)", default: []].append(message.offset) }
        }

        var all: [String: [Int64]] { self.seen.withLock { $0 } }
        var count: Int { self.seen.withLock { $0.values.reduce(0) { $0 + $1.count } } }
    }

    /// Sends `perPartition` messages to each of `partitions` partitions of `topic`.
    private func produce(_ topic: String, partitions: Int, perPartition: Int, tag: String) async throws {
        let producer = try KafkaProducer(configuration: Clients.producer())
        let messages = (0..<partitions).flatMap { partition in
            (0..<perPartition).map { KafkaProducerMessage(topic: topic, partition: partition, value: "\(tag)-\(partition)-\($0)") }
        }
        let results = await producer.send(contentsOf: messages)
        await producer.close()
        for result in results { _ = try result.get() }
    }

    /// Two members on a 6-partition topic both get partitions; one leaves (its task is cancelled)
    /// and the other takes all six over. Nothing is lost; each member commits every message right
    /// after recording it, so when a partition moves at most one recorded message of it is
    /// uncommitted: duplicates ≤ 6 per move (two moves: the join of the second member, the leave).
    @Test func twoMembersShareAndTakeOver() async throws {
        let topic = Unique.name("group-two")
        let group = Unique.name("group")
        try await createTopic(topic, partitions: 6)
        try await self.produce(topic, partitions: 6, perPartition: 50, tag: "first")

        var configuration = Clients.consumer(group: group)
        configuration.enableAutoCommit = false
        let first = try KafkaConsumer(configuration: configuration)
        let second = try KafkaConsumer(configuration: configuration)
        let (firstReceived, secondReceived) = (Received(), Received())
        func member(_ consumer: KafkaConsumer, _ received: Received) -> Task<Void, Error> {
            Task {
                for try await message in consumer.messages {
                    received.add(message)
                    // A refused commit (the partition just moved) leaves that one message uncommitted.
                    try? await consumer.commit(message)
                }
            }
        }
        try await first.subscribe(to: [topic])
        try await second.subscribe(to: [topic])
        let firstTask = member(first, firstReceived)
        let secondTask = member(second, secondReceived)

        // Both members hold partitions, and the first 300 messages have arrived.
        try await eventually(within: .seconds(60), "both members assigned and 300 messages read") {
            let a = try await first.assignment().count
            let b = try await second.assignment().count
            return a > 0 && b > 0 && a + b == 6 && firstReceived.count + secondReceived.count >= 300
        }
        let firstPartitions = try await first.assignment().count

        // The first member leaves: cancelling its loop commits, leaves the group and closes it.
        firstTask.cancel()
        _ = await firstTask.result
        try await within(.seconds(20), "first member's close") { await first.close() }
        try await eventually(within: .seconds(60), "second member holding all 6 partitions") {
            try await second.assignment().count == 6
        }
        try await self.produce(topic, partitions: 6, perPartition: 50, tag: "second")
        try await eventually(within: .seconds(60), "every message read") {
            Self.distinct(firstReceived, secondReceived) == 600
        }
        secondTask.cancel()
        _ = await secondTask.result
        try await within(.seconds(20), "second member's close") { await second.close() }

        let total = firstReceived.count + secondReceived.count
        let duplicates = total - Self.distinct(firstReceived, secondReceived)
        print(
            "twoMembersShareAndTakeOver: \(total) messages read, \(duplicates) duplicates; the first member held \(firstPartitions) partitions"
        )
        #expect(firstPartitions > 0 && firstPartitions < 6)
        #expect(firstReceived.count > 0 && secondReceived.count > 0)
        #expect(Set(secondReceived.all.keys) == Set((0..<6).map(String.init)))
        #expect(duplicates <= 12, "\(duplicates) duplicates")
        // Every partition's offsets 0..<100 were read, in order within each member.
        for partition in 0..<6 {
            let offsets = Set((firstReceived.all["\(partition)"] ?? []) + (secondReceived.all["\(partition)"] ?? []))
            #expect(offsets == Set(0..<100), "partition \(partition)")
        }
    }

    private static func distinct(_ a: Received, _ b: Received) -> Int {
        var all = Set<String>()
        for received in [a, b] {
            for (partition, offsets) in received.all {
                for offset in offsets { all.insert("\(partition)@\(offset)") }
            }
        }
        return all.count
    }

    /// A member commits the 10th of 20 messages and leaves its loop (the README's pattern); a new
    /// member of the group starts exactly at offset 10. With automatic commits on and off.
    @Test(arguments: [false, true])
    func newMemberResumesAfterCommittedOffset(autoCommit: Bool) async throws {
        let topic = Unique.name("group-resume-\(autoCommit ? "auto" : "manual")")
        let group = Unique.name("group")
        try await createTopic(topic, partitions: 1)
        try await self.produce(topic, partitions: 1, perPartition: 20, tag: "resume")

        var configuration = Clients.consumer(group: group)
        configuration.enableAutoCommit = autoCommit
        configuration.enableAutoOffsetStore = autoCommit
        let first = try KafkaConsumer(configuration: configuration)
        try await first.subscribe(to: [topic])
        let read = try await within(.seconds(60), "reading 10 messages") {
            var read: [KafkaMessage] = []
            for try await message in first.messages {
                read.append(message)
                if read.count == 10 {
                    try await first.commit(message)  // the message in hand is not consumed yet: commit it
                    break
                }
            }
            return read
        }
        await first.close()
        #expect(read.map(\.offset) == Array(0..<10))

        let second = try KafkaConsumer(configuration: configuration)
        try await second.subscribe(to: [topic])
        let committed = try await second.committed([KafkaTopicPartition(topic: topic, partition: 0)])
        #expect(committed.first?.offset == .offset(10))
        let rest = try await consume(second, within: .seconds(60)) { $0.count == 10 }
        await second.close()
        #expect(rest.map(\.offset) == Array(10..<20))
        #expect(rest.map(\.valueString) == (10..<20).map { "resume-0-\($0)" })
    }
}
