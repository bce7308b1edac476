import AsyncKafka
import AsyncKafkaTesting

/// A one-shot signal from one task to another: "the moment has come".
final class StressSignal: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (self.stream, self.continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    func fire() { self.continuation.yield() }

    /// Returns once ``fire()`` was called (or at once if it was called before).
    func wait() async {
        for await _ in self.stream { return }
    }
}

extension EmbeddedKafkaCluster {
    /// A consumer reading `topic`'s partition 0 from offset 0 (no group join).
    ///
    /// An absolute offset, not `.beginning`: a new client does not know the partition's leader yet,
    /// and librdkafka 2.0.2 then retries a logical-offset query only after a fixed 500 ms, which
    /// would make every cycle take half a second.
    func stressConsumer(_ topic: String, group: String? = nil) async throws -> KafkaConsumer {
        let consumer = try await KafkaConsumer.assigned(
            to: [KafkaTopicPartition(topic: topic, partition: 0, offset: .offset(0))],
            configuration: self.consumerConfiguration(group: group))
        return consumer
    }

    /// A one-partition topic holding `count` messages `m0`, `m1`, …
    func stressTopic(_ prefix: String, messages count: Int) async throws -> String {
        try await self.makeTopic(prefix, values: numberedValues(count))
    }
}

/// Whether `values` are the first messages `m0`, `m1`, … of a stress topic, in order.
func isPrefixOfStressTopic(_ values: [String?]) -> Bool {
    values.enumerated().allSatisfy { $0.element == "m\($0.offset)" }
}

/// Emits the reliability row of a stress test, after its assertions.
/// `detail`: further figures, e.g. `"delivered=120, purged=30"`.
func emitStressRecord(
    _ scenario: String,
    cycles: Int,
    since start: ContinuousClock.Instant,
    leaks: (objects: Int, before: String, after: String),
    detail: String = "",
    asserted: String
) {
    let elapsed = ContinuousClock.now - start
    let seconds = (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) * 10
    let figures: KeyValuePairs<String, String> = [
        "cycles": "\(cycles)",
        "seconds": "\(seconds.rounded() / 10)",
        "outcomes": detail.isEmpty ? "-" : detail,
        "clients and loops freed": "\(leaks.objects)",
        "threads before": leaks.before,
        "threads after": leaks.after,
    ]
    ReliabilityRecord(section: "Lifecycle stress", scenario: scenario, figures: figures, asserted: asserted).emit()
}
