import AsyncKafka
import AsyncKafkaTesting
import Synchronization
import Testing

/// Who serves delivery reports: while a sender enqueues fire-and-forget messages, the
/// producer's thread leaves their reports to it (it serves them as it goes, as a C producer
/// polls); once the sender stops, or as soon as someone awaits a report, the thread serves.
@Suite("Producer: serving delivery reports")
struct ProducerReportServingTests {
    /// `INVALID_RECORD` (87): the broker refuses the batch for good.
    private static let invalidRecord = InjectedError(rawValue: 87)

    @Test("fire-and-forget: a failed delivery is logged once the sender stops, with no flush or close")
    func unawaitedFailureIsServed() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("unawaited-failure")
        let log = CapturingLogHandler()
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration(), logger: log.logger)
        // Fewer messages than a sender enqueues between two servings of its own: only the
        // producer's thread can serve these reports.
        _ = try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "warm-up"))
        try cluster.pushRequestErrors(.produce, [Self.invalidRecord])
        try await producer.enqueue(KafkaProducerMessage(topic: topic, partition: 0, value: "refused"))

        let failure = await log.line("message delivery failed")
        #expect(failure?.level == .error)
        #expect(failure?.metadata["kafka.error"]?.contains("INVALID_RECORD") == true, "\(String(describing: failure))")
        #expect(producer.queuedMessageCount == 0, "the report was served, so nothing is left in librdkafka")
        await producer.close()
    }

    @Test("awaited sends while another task enqueues fire-and-forget: each is answered, in order")
    func awaitedSendsBetweenEnqueues() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("mixed-senders", partitions: 2)
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration())
        let sendsDone = Flag()
        let enqueued = try await withThrowingTaskGroup(of: Int.self, returning: Int.self) { group in
            group.addTask {
                var count = 0
                // Keeps enqueueing for as long as the sends below run (at least one message).
                repeat {
                    try await producer.enqueue(KafkaProducerMessage(topic: topic, partition: 1, value: "f\(count)"))
                    count += 1
                    if count % 256 == 0 { await Task.yield() }
                } while !sendsDone.value.load(ordering: .acquiring)
                return count
            }
            var offsets: [Int64] = []
            for index in 0..<50 {
                let report = try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "s\(index)"))
                offsets.append(report.offset)
            }
            sendsDone.value.store(true, ordering: .releasing)
            #expect(offsets == (0..<50).map { Int64($0) })
            return try await group.next() ?? 0
        }
        try await producer.flush()
        await producer.close()
        let consumer = try KafkaConsumer(configuration: cluster.consumerConfiguration(group: nil))
        let marks = try await consumer.watermarks(topic: topic, partition: 1)
        await consumer.close()
        #expect(marks.high == Int64(enqueued), "every fire-and-forget message was delivered")
    }

    private final class Flag: Sendable {
        let value = Atomic<Bool>(false)
    }
}
