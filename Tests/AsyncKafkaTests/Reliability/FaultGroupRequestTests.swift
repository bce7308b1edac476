import AsyncKafka
import AsyncKafkaTesting
import Testing

/// JoinGroup, SyncGroup and Heartbeat requests answered with injected errors, for a consumer
/// that subscribes (the group protocol is the point here).
@Suite("Faults: group membership errors")
struct FaultGroupRequestTests {
    private static let total = 2_000

    private static func configuration(_ cluster: EmbeddedKafkaCluster, group: String) -> KafkaConsumerConfiguration {
        var configuration = cluster.consumerConfiguration(group: group)
        configuration.sessionTimeout = .seconds(3)
        // Short, so that the mock re-forms the group about 2 s after a member drops out.
        configuration.properties["heartbeat.interval.ms"] = "200"
        return configuration
    }

    /// A topic named after `prefix` holding the first half of the numbers, a group name, and the
    /// producer that sent them (still open, for the second half).
    private static func halfProduced(_ prefix: String) async throws -> (FaultTopic, String, KafkaProducer) {
        let topic = try FaultTopic(prefix)
        let group = Unique.name("group")
        let producer = try KafkaProducer(configuration: topic.cluster.producerConfiguration())
        try await topic.produce(Array(0..<Self.total / 2), with: producer)
        return (topic, group, producer)
    }

    /// A member subscribed to `topic` whose rebalance events are noted.
    private static func member(
        _ configuration: KafkaConsumerConfiguration,
        _ topic: String
    ) async throws -> (KafkaConsumer, RebalanceNotes) {
        let consumer = try KafkaConsumer(configuration: configuration)
        let notes = RebalanceNotes()
        await consumer.setRebalanceHandler { event in notes.record(event) }
        try await consumer.subscribe(to: [topic])
        return (consumer, notes)
    }

    /// Sends the second half of the numbers once `ready` holds or 30 s passed (polled: the
    /// member's rebalance notes are the only signal), waits for `reading` to end (the consumer is
    /// closed after 30 s at the latest), closes both clients, and tells whether `ready` held.
    private static func produceRestThenFinish(
        when ready: @Sendable () -> Bool,
        _ topic: FaultTopic,
        _ producer: KafkaProducer,
        _ consumer: KafkaConsumer,
        _ reading: Task<Void, any Error>
    ) async throws -> Bool {
        let held = await eventually(timeout: .seconds(30)) { ready() }
        try await topic.produce(Array(Self.total / 2..<Self.total), with: producer)
        let watchdog = closeWatchdog(consumer)
        try await reading.value
        watchdog.cancel()
        await consumer.close()
        await producer.close()
        return held
    }

    @Test("retriable JoinGroup, SyncGroup and Heartbeat errors: the member (re)joins and reads everything")
    func retriableGroupErrors() async throws {
        let (topic, group, producer) = try await Self.halfProduced("group-retry")
        let cluster = topic.cluster

        // Each refused JoinGroup or SyncGroup costs a join round (about 3 s on the mock): one of each.
        let joinErrors: [InjectedError] = [.coordinatorLoadInProgress]
        let syncErrors: [InjectedError] = [.notCoordinator]
        // Once the member has its partitions: coordinator errors, then REBALANCE_IN_PROGRESS,
        // which makes it rejoin (a second assignment).
        let heartbeatErrors: [InjectedError] = [.coordinatorNotAvailable, .rebalanceInProgress]
        try cluster.pushRequestErrors(.joinGroup, joinErrors)
        try cluster.pushRequestErrors(.syncGroup, syncErrors)

        let tally = NumberTally(expected: Self.total)
        let (consumer, notes) = try await Self.member(Self.configuration(cluster, group: group), topic.name)
        let injected = SharedCounter()
        let reading = Task {
            for try await message in consumer.messages {
                tally.record(message)
                if injected.claim() { try cluster.pushRequestErrors(.heartbeat, heartbeatErrors) }
                if tally.isComplete { break }
            }
        }
        // The member's notes are the only signal of the rejoin.
        let rejoined = try await Self.produceRestThenFinish(
            when: { notes.all.filter { $0 == "assigned" }.count >= 2 }, topic, producer, consumer, reading)
        let assignments = notes.all.filter { $0 == "assigned" }.count

        #expect(tally.lost == 0, "lost: \(tally.missing)")
        #expect(rejoined, "the heartbeat's REBALANCE_IN_PROGRESS forced a rejoin: \(notes.all)")
        #expect(tally.foreign == 0)
        topic.emit(
            "JoinGroup/SyncGroup/Heartbeat errors, retriable (coordinator errors, REBALANCE_IN_PROGRESS)",
            figures: tally.figures(produced: Self.total) + [
                ("assignments", "\(assignments)"), ("errors injected", "\(joinErrors.count + syncErrors.count + heartbeatErrors.count)"),
            ],
            asserted: "0 lost, member rejoined"
        )
    }

    @Test("non-retriable JoinGroup error: the stream throws it, a new member reads everything")
    func nonRetriableJoinError() async throws {
        let faultTopic = try FaultTopic("group-fail")
        let (cluster, topic) = (faultTopic.cluster, faultTopic.name)
        try await faultTopic.fill(total: Self.total)
        let group = Unique.name("group")
        try cluster.pushRequestErrors(.joinGroup, [.groupAuthorizationFailed])

        let tally = NumberTally(expected: Self.total)
        let refused = try KafkaConsumer(configuration: Self.configuration(cluster, group: group))
        try await refused.subscribe(to: [topic])
        var surfaced: KafkaError?
        do {
            // The first JoinGroup is refused: no partition, no message, the stream throws.
            try await tally.consume(refused, until: { _ in false }, deadline: .seconds(30))
        } catch let error as KafkaError {
            surfaced = error
        }
        await refused.close()
        let readBeforeError = tally.reads

        let member = try KafkaConsumer(configuration: Self.configuration(cluster, group: group))
        try await member.subscribe(to: [topic])
        try await tally.consume(member, until: { $0.isComplete }, deadline: .seconds(30))
        await member.close()

        #expect(surfaced?.librdkafkaCode?.name == "GROUP_AUTHORIZATION_FAILED", "\(String(describing: surfaced))")
        #expect(surfaced?.isRetriable == false)
        #expect(readBeforeError == 0)
        #expect(tally.lost == 0, "lost: \(tally.missing)")
        #expect(tally.duplicates == 0)
        faultTopic.emit(
            "JoinGroup error, non-retriable (GROUP_AUTHORIZATION_FAILED), then a new member",
            figures: tally.figures(produced: Self.total) + [("errors injected", "1"), ("errors surfaced", surfaced == nil ? "0" : "1")],
            asserted: "stream throws [GROUP_AUTHORIZATION_FAILED]; 0 lost, 0 duplicates"
        )
    }

    @Test("fenced Heartbeat (UNKNOWN_MEMBER_ID): partitions lost, the member rejoins and nothing is lost")
    func fencedHeartbeat() async throws {
        let (topic, group, producer) = try await Self.halfProduced("group-fenced")
        let cluster = topic.cluster

        let tally = NumberTally(expected: Self.total)
        var configuration = Self.configuration(cluster, group: group)
        configuration.enableAutoOffsetStore = false
        let (consumer, notes) = try await Self.member(configuration, topic.name)
        let injected = SharedCounter()
        let reading = Task {
            for try await message in consumer.messages {
                tally.record(message)
                do {
                    try consumer.store(message)
                } catch {
                    // Not ours any more (lost): its new owner reads it again.
                }
                if tally.distinct == Self.total / 4, injected.claim() {
                    try cluster.pushRequestErrors(.heartbeat, [.unknownMemberID])
                }
                if tally.isComplete { break }
            }
        }
        // The rest is produced once the member is back (its notes are the only signal).
        let rejoined = try await Self.produceRestThenFinish(when: { notes.rejoinedAfterLoss }, topic, producer, consumer, reading)

        let seen = notes.all
        #expect(rejoined, "\(seen)")
        #expect(tally.lost == 0, "lost: \(tally.missing)")
        #expect(seen.contains("lost"), "\(seen)")
        #expect(seen.filter { $0 == "assigned" }.count >= 2, "\(seen)")
        topic.emit(
            "Heartbeat error, fencing (UNKNOWN_MEMBER_ID): partitions lost, rejoin",
            figures: tally.figures(produced: Self.total) + [("errors injected", "1")],
            asserted: "0 lost, .lost event then a new assignment"
        )
    }
}
