import AsyncKafka
import AsyncKafkaTesting
import Testing

/// Produce and Fetch requests answered with injected errors. Retriable errors are absorbed by
/// librdkafka's retries; a non-retriable one surfaces as a typed `KafkaError` to the caller,
/// and nothing acknowledged before it is lost.
@Suite("Faults: produce and fetch errors")
struct FaultRequestErrorTests {
    /// `INVALID_RECORD` (87): the broker refuses the batch for good. (TOPIC_AUTHORIZATION_FAILED
    /// would also make librdkafka refuse every later message to the topic at enqueue, with that
    /// error, until its next metadata refresh.)
    private static let total = 2_000
    private static let invalidRecord = InjectedError(rawValue: 87)

    @Test("retriable Produce errors: every send succeeds, each message stored once")
    func retriableProduceErrors() async throws {
        let topic = try FaultTopic("produce-retry")
        let injected: [InjectedError] = [
            .notLeaderForPartition, .leaderNotAvailable, .requestTimedOut, .notEnoughReplicas, .transport,
            .notLeaderForPartition, .transport, .requestTimedOut,
        ]
        try topic.cluster.pushRequestErrors(.produce, injected)
        try await topic.fill(total: Self.total)
        let tally = try await topic.readBack(expected: Self.total)
        let logSize = try await topic.logSize()

        #expect(tally.lost == 0, "lost: \(tally.missing)")
        #expect(tally.duplicates == 0)
        #expect(logSize == Int64(Self.total), "a refused request must not be stored")
        topic.emit(
            "Produce errors, retriable (NOT_LEADER, LEADER_NOT_AVAILABLE, REQUEST_TIMED_OUT, NOT_ENOUGH_REPLICAS, disconnects)",
            figures: tally.figures(produced: Self.total) + [("errors injected", "\(injected.count)")],
            asserted: "every send succeeds, 0 lost, 0 duplicates in log"
        )
    }

    @Test("non-retriable Produce error: send throws it, acknowledged messages stay, a resend completes the log")
    func nonRetriableProduceError() async throws {
        let topic = try FaultTopic("produce-fail")
        let victim = Self.total / 2
        let producer = try KafkaProducer(configuration: topic.cluster.producerConfiguration())
        try await topic.produce(Array(0..<victim), with: producer)

        try topic.cluster.pushRequestErrors(.produce, [Self.invalidRecord])
        var surfaced: KafkaError?
        do {
            _ = try await producer.send(NumberedMessages.message(victim, topic: topic.name, partition: victim % topic.partitions))
        } catch {
            surfaced = error
        }
        // The application retries what failed, then goes on.
        try await topic.produce(Array(victim..<Self.total), with: producer)
        await producer.close()
        let tally = try await topic.readBack(expected: Self.total)
        let logSize = try await topic.logSize()

        #expect(surfaced?.code == .deliveryFailed, "\(String(describing: surfaced))")
        #expect(surfaced?.librdkafkaCode?.name == "INVALID_RECORD")
        #expect(surfaced?.isRetriable == false)
        #expect(tally.lost == 0, "lost: \(tally.missing)")
        #expect(tally.duplicates == 0)
        #expect(logSize == Int64(Self.total), "the refused message must not be stored")
        topic.emit(
            "Produce error, non-retriable (INVALID_RECORD)",
            figures: tally.figures(produced: Self.total) + [("errors injected", "1"), ("errors surfaced", surfaced == nil ? "0" : "1")],
            asserted: "send throws .deliveryFailed [INVALID_RECORD]; 0 lost after resend, 0 duplicates"
        )
    }

    @Test("retriable Fetch errors: the stream goes on, nothing lost or repeated")
    func retriableFetchErrors() async throws {
        let topic = try FaultTopic("fetch-retry")
        let injected: [InjectedError] = [
            .notLeaderForPartition, .requestTimedOut, .transport, .leaderNotAvailable, .unknownTopicOrPartition,
            .transport, .notLeaderForPartition,
        ]
        let producer = try KafkaProducer(configuration: topic.cluster.producerConfiguration())
        try await topic.produce(Array(0..<Self.total / 2), with: producer)
        try topic.cluster.pushRequestErrors(.fetch, injected)
        let tally = NumberTally(expected: Self.total)
        let (consumer, reading) = try await topic.reader(into: tally)
        try await topic.produce(Array(Self.total / 2..<Self.total), with: producer)
        try await reading.value
        await consumer.close()
        await producer.close()

        #expect(tally.lost == 0, "lost: \(tally.missing)")
        #expect(tally.duplicates == 0)
        #expect(tally.orderViolations.isEmpty, "\(tally.orderViolations.prefix(5))")
        topic.emit(
            "Fetch errors, retriable (NOT_LEADER, REQUEST_TIMED_OUT, LEADER_NOT_AVAILABLE, UNKNOWN_TOPIC_OR_PART, disconnects)",
            figures: tally.figures(produced: Self.total) + [("errors injected", "\(injected.count)")],
            asserted: "stream goes on, 0 lost, 0 duplicates, order kept"
        )
    }

    @Test("non-retriable Fetch error: the stream throws it, a new consumer resumes from the committed offsets")
    func nonRetriableFetchError() async throws {
        let topic = try FaultTopic("fetch-fail")
        let commitEvery = 50
        let configuration = topic.cluster.manualCommitConsumerConfiguration()
        let all = topic.all(at: .stored)
        let producer = try KafkaProducer(configuration: topic.cluster.producerConfiguration())
        try await topic.produce(Array(0..<Self.total / 2), with: producer)

        // The first consumer processes, stores and commits every 50 messages; the fault strikes
        // once it has processed a quarter of the data.
        let tally = NumberTally(expected: Self.total)
        let first = try await KafkaConsumer.assigned(to: all, configuration: configuration)
        var surfaced: KafkaError?
        var processed = 0
        // Messages read since the last commit that went through: what the next consumer re-reads.
        var uncommitted = 0
        var storeFailures: [KafkaError] = []
        // If the error never surfaced the loop would wait for ever: give up after 30 s.
        let watchdog = closeWatchdog(first)
        defer { watchdog.cancel() }
        do {
            for try await message in first.messages {
                tally.record(message)
                processed += 1
                uncommitted += 1
                // Once the error has stopped the consumer, store and commit throw that error
                // for the message in hand; the loop goes on and the stream throws it too.
                do throws(KafkaError) {
                    try first.store(message)
                    if processed % commitEvery == 0 {
                        try await first.commit()
                        uncommitted = 0
                    }
                } catch {
                    storeFailures.append(error)
                }
                if processed == Self.total / 4 { try topic.cluster.pushRequestErrors(.fetch, [.topicAuthorizationFailed]) }
            }
        } catch let error as KafkaError {
            surfaced = error
        }
        await first.close()
        try await topic.produce(Array(Self.total / 2..<Self.total), with: producer)
        await producer.close()

        try await tally.readRest(configuration: configuration) { try await $0.assign(all) }

        #expect(surfaced?.librdkafkaCode?.name == "TOPIC_AUTHORIZATION_FAILED", "\(String(describing: surfaced))")
        #expect(surfaced?.isRetriable == false)
        // A store or commit refused after the stop names the cause, not just "closed".
        #expect(storeFailures.allSatisfy { $0.librdkafkaCode?.name == "TOPIC_AUTHORIZATION_FAILED" }, "\(storeFailures)")
        #expect(tally.lost == 0, "lost: \(tally.missing)")
        // Only what the first consumer processed after its last commit is read again.
        #expect(tally.duplicates == uncommitted, "processed \(processed), store failures \(storeFailures.count)")
        #expect(tally.orderViolations.isEmpty, "\(tally.orderViolations.prefix(5))")
        topic.emit(
            "Fetch error, non-retriable (TOPIC_AUTHORIZATION_FAILED), then a new consumer",
            figures: tally.figures(produced: Self.total) + [
                ("uncommitted window", "\(uncommitted)"), ("errors injected", "1"), ("errors surfaced", surfaced == nil ? "0" : "1"),
            ],
            asserted: "stream throws [TOPIC_AUTHORIZATION_FAILED]; 0 lost; duplicates = uncommitted window"
        )
    }
}
