import AsyncKafka
import AsyncKafkaTesting
import Testing

/// A member that stops asking for messages for longer than `max.poll.interval.ms` is taken
/// out of its group; it must see its partitions as lost, rejoin, and nothing may be lost.
@Suite("Faults: max.poll.interval.ms")
struct FaultMaxPollTests {
    private static let partitions = 4

    @Test("a member stuck past max.poll.interval.ms loses its partitions, rejoins and resumes; nothing lost")
    func maxPollIntervalExceeded() async throws {
        let faultTopic = try FaultTopic("maxpoll", partitions: Self.partitions)
        let (cluster, topic) = (faultTopic.cluster, faultTopic.name)
        let total = 4_000
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration())

        var configuration = cluster.consumerConfiguration(group: Unique.name("group"))
        // librdkafka wants max.poll.interval.ms >= session.timeout.ms; short ones keep the test short.
        configuration.sessionTimeout = .seconds(3)
        configuration.properties["max.poll.interval.ms"] = "3000"
        configuration.properties["heartbeat.interval.ms"] = "300"
        // A small stream, so that a stuck loop soon leaves librdkafka unpolled.
        configuration.maxMessagesPerBatch = 10
        configuration.maxBufferedBatches = 1
        let tally = NumberTally(expected: total)

        let stuck = try KafkaConsumer(configuration: configuration)
        let stuckEvents = RebalanceNotes()
        await stuck.setRebalanceHandler { event in stuckEvents.record(event) }
        let other = try KafkaConsumer(configuration: configuration)
        let otherAssignments = other.rebalanceEvents
        try await stuck.subscribe(to: [topic])
        try await other.subscribe(to: [topic])

        // The stuck member's first message blocks its loop until the group has given every
        // partition to the other member, which happens only once the stuck one was taken out.
        let (takenOver, tookOver) = AsyncStream<Void>.makeStream()
        let stuckHolds = SharedCounter()
        let otherAssigned = SharedCounter()
        let watching = Task {
            for await event in otherAssignments {
                if event.kind == .assigned { otherAssigned.set(event.partitions.count) }
                // While the stuck member holds partitions, the other can get all of them only
                // once the group has taken the stuck one out.
                if event.kind == .assigned, event.partitions.count == Self.partitions,
                    stuckHolds.count > 0
                {
                    tookOver.yield()
                }
            }
            tookOver.finish()
        }
        let readAfterRejoin = SharedCounter()
        let stuckReading = Task {
            var blocked = false
            for try await message in stuck.messages {
                tally.record(message)
                if stuckEvents.rejoinedAfterLoss { readAfterRejoin.add() }
                if !blocked {
                    blocked = true
                    stuckHolds.add()
                    var waiting = takenOver.makeAsyncIterator()
                    await waiting.next()
                }
                if tally.isComplete { break }
            }
        }
        let otherReading = Task { try await tally.consume(other, until: { $0.isComplete }, deadline: .seconds(60)) }
        // Data only once the group is stable (two members, two partitions each), so that the
        // stall starts outside any rebalance; the handler's notes and the observer are the signal.
        let stable = await eventually(timeout: .seconds(20)) {
            stuckEvents.all.last == "assigned" && otherAssigned.count == Self.partitions / 2
        }
        try await faultTopic.produce(Array(0..<total / 2), with: producer)
        // Produce the rest once the stuck member has rejoined after losing its partitions (the
        // rebalance handler's notes are the only signal for that).
        _ = await eventually(timeout: .seconds(40)) { stuckEvents.rejoinedAfterLoss }
        try await faultTopic.produce(Array(total / 2..<total), with: producer)
        try await otherReading.value
        await other.close()
        // The stuck member has read some of the rest by now, or does soon (no event tells).
        _ = await eventually(timeout: .seconds(20)) { readAfterRejoin.count > 0 }
        await stuck.close()
        _ = try await stuckReading.value
        await producer.close()
        watching.cancel()

        let events = stuckEvents.all
        #expect(stable, "\(events)")
        #expect(events.contains("lost"), "\(events)")
        #expect(events.last == "assigned" || events.last == "revoked", "\(events)")
        #expect(readAfterRejoin.count > 0, "the stuck member read nothing after rejoining: \(events)")
        #expect(tally.lost == 0, "lost: \(tally.missing)")
        faultTopic.emit(
            "Consumer exceeds max.poll.interval.ms (3 s), second member takes over",
            figures: tally.figures(produced: total) + [("read after rejoin", "\(readAfterRejoin.count)")],
            asserted: ".lost event, rejoin and resume, 0 lost"
        )
    }
}
