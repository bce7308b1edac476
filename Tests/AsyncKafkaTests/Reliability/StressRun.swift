import AsyncKafka
import AsyncKafkaTesting
import Testing

/// One lifecycle stress test: its own embedded cluster, the topics it reads, and a ``LeakWatch``
/// whose baseline census is taken once those exist; ``finish(_:detail:asserted:then:sourceLocation:)``
/// checks the watch and emits the reliability row.
struct StressRun: Sendable {
    let cluster: EmbeddedKafkaCluster
    let watch: LeakWatch
    let cycles: Int
    let start: ContinuousClock.Instant

    /// Starts a cluster, lets `prepare` create what the cycles use (before the baseline census),
    /// then starts watching and timing.
    static func begin<Prepared>(
        cycles: Int = StressSettings.cycles,
        _ prepare: (EmbeddedKafkaCluster) async throws -> Prepared
    ) async throws -> (StressRun, Prepared) {
        let cluster = try EmbeddedKafkaCluster()
        let prepared = try await prepare(cluster)
        let run = StressRun(cluster: cluster, watch: LeakWatch(), cycles: cycles, start: ContinuousClock.now)
        return (run, prepared)
    }

    /// ``begin(cycles:_:)`` with one ``EmbeddedKafkaCluster/stressTopic(_:messages:)``.
    static func begin(topic prefix: String, messages: Int) async throws -> (StressRun, String) {
        try await Self.begin { try await $0.stressTopic(prefix, messages: messages) }
    }

    /// A watched ``EmbeddedKafkaCluster/stressConsumer(_:group:)``.
    func consumer(_ topic: String, group: String? = nil) async throws -> KafkaConsumer {
        let consumer = try await self.cluster.stressConsumer(topic, group: group)
        self.watch.watch(consumer)
        return consumer
    }

    /// A watched producer with the tests' producer configuration.
    func producer() throws -> KafkaProducer {
        let producer = try KafkaProducer(configuration: self.cluster.producerConfiguration())
        self.watch.watch(producer)
        return producer
    }

    /// Asserts that every watched client was freed (``LeakWatch/check(sourceLocation:)``), runs
    /// `then` (checks that need every client gone), and emits the reliability row.
    func finish(
        _ scenario: String,
        detail: String = "",
        asserted: String,
        then verify: () async throws -> Void = {},
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let leaks = await self.watch.check(sourceLocation: sourceLocation)
        try await verify()
        emitStressRecord(scenario, cycles: self.cycles, since: self.start, leaks: leaks, detail: detail, asserted: asserted)
        withExtendedLifetime(self.cluster) {}
    }
}

/// A task reading `consumer`'s values until its loop ends, firing `signal` when it has read `count`.
func stressReader(_ consumer: KafkaConsumer, signal: StressSignal? = nil, at count: Int = 1) -> Task<[String?], any Error> {
    Task {
        var values: [String?] = []
        for try await message in consumer.messages {
            values.append(message.valueString)
            if values.count == count { signal?.fire() }
        }
        return values
    }
}
