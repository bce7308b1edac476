/// A consumer prefetch setting a consume scenario runs with: the librdkafka properties of each side.
struct PrefetchSetting {
    let name: String
    let swift: String?
    let c: String?
    /// Whether issue 6's targets apply (they are stated for librdkafka's defaults and the lifted cap).
    let targeted: Bool

    /// librdkafka's defaults on both sides (given explicitly to the Swift consumer, whose own defaults are bounded).
    static let librdkafkaDefaults = PrefetchSetting(
        name: "defaults", swift: AsyncKafkaBenchmarks.librdkafkaDefaultPrefetch, c: nil, targeted: true
    )
    /// The prefetch cap lifted on both sides.
    static let lifted = PrefetchSetting(
        name: "prefetch lifted", swift: AsyncKafkaBenchmarks.liftedPrefetch, c: AsyncKafkaBenchmarks.liftedPrefetch, targeted: true
    )
    /// Each side as it comes: AsyncKafka's bounded prefetch against librdkafka's defaults.
    static let outOfTheBox = PrefetchSetting(
        name: "out of the box: AsyncKafka's defaults vs librdkafka's", swift: nil, c: nil, targeted: false)
}

/// Consume through `for try await message in consumer.messages` against the C
/// `rd_kafka_consumer_poll` and `rd_kafka_consume_batch_queue` loops, with librdkafka's
/// default prefetch, with the prefetch cap lifted, and with each side's own defaults.
enum ConsumeScenarios {
    /// The prefetch settings every consume scenario runs with.
    static let prefetchSettings: [PrefetchSetting] = [.librdkafkaDefaults, .lifted, .outOfTheBox]

    static func run(_ bench: Bench) async throws -> [Row] {
        let topic = try await bench.consumeTopic()
        let (bootstrap, size, partitions, count) = (bench.bootstrap, bench.size, bench.partitions, bench.count)
        var rows: [Row] = []
        // --quick runs the gated settings only.
        for setting in prefetchSettings where setting.targeted || !bench.options.quick {
            var poll: [Sample] = []
            var batch: [Sample] = []
            var swift: [Sample] = []
            let scenario = "consume (\(setting.name))"
            for rep in 1...bench.reps {
                let p = try await measuringCPU {
                    try CLoops.consumePoll(
                        bootstrap: bootstrap, topic: topic, partitions: partitions, expected: count, size: size, properties: setting.c
                    )
                }
                poll.append(p)
                report(scenario, rep, "C consumer_poll", p)

                let s = try await bench.swiftConsumeRun("Swift consumer") {
                    try await SwiftConsumeLoops.consume(
                        bootstrap: bootstrap, topic: topic, partitions: partitions, expected: count, size: size,
                        properties: parseProperties(setting.swift)
                    )
                }
                swift.append(s)
                report(scenario, rep, "Swift for-await messages", s)

                let b = try await measuringCPU {
                    try CLoops.consumeBatch(
                        bootstrap: bootstrap, topic: topic, partitions: partitions, expected: count, size: size, properties: setting.c
                    )
                }
                batch.append(b)
                report(scenario, rep, "C consume_batch_queue", b)
            }
            let gate = setting.targeted ? bench.throughputGate : nil
            rows.append(
                Row(
                    "\(scenario): Swift for-await vs C consumer_poll", swift: swift, c: poll,
                    target: setting.targeted ? .ratioAtLeast(1.0) : nil, gate: gate
                )
            )
            rows.append(
                Row(
                    "\(scenario): Swift for-await vs C batch_queue", swift: swift, c: batch,
                    target: setting.targeted ? .ratioAtLeast(0.95) : nil, gate: gate
                )
            )
        }
        rows.append(try await self.storingEach(bench, topic: topic))
        return rows
    }

    /// At-least-once with offsets stored by the application: `store(message)` after each
    /// message against the C poll loop calling `rd_kafka_offset_store` after each one;
    /// `enable.auto.offset.store=false`, prefetch lifted, both sides.
    static func storingEach(_ bench: Bench, topic: String) async throws -> Row {
        let (bootstrap, size, partitions, count) = (bench.bootstrap, bench.size, bench.partitions, bench.count)
        let properties = AsyncKafkaBenchmarks.liftedPrefetch + ";enable.auto.offset.store=false"
        let scenario = "consume (store each, prefetch lifted)"
        var c: [Sample] = []
        var swift: [Sample] = []
        for rep in 1...bench.reps {
            let p = try CLoops.consumeStoringEach(
                bootstrap: bootstrap, topic: topic, partitions: partitions, expected: count, size: size, properties: properties
            )
            c.append(p)
            report(scenario, rep, "C consumer_poll + rd_kafka_offset_store", p)

            let s = try await withTimeout(bench.timeout(count), "Swift consumer storing each offset") {
                try await SwiftConsumeLoops.consume(
                    bootstrap: bootstrap, topic: topic, partitions: partitions, expected: count, size: size,
                    properties: parseProperties(properties), storeEach: true
                ).sample
            }
            swift.append(s)
            report(scenario, rep, "Swift for-await + store(message)", s)
        }
        return Row("\(scenario): Swift for-await + store vs C poll + offset_store", swift: swift, c: c, gate: bench.throughputGate)
    }
}

/// Consume through the batch API, `for try await batch in consumer.batches(maxCount: 1024, maxWait: .zero)`,
/// against the C `rd_kafka_consume_batch_queue` loop (1,024 per call), with both prefetch settings.
enum BatchScenario {
    static func run(_ bench: Bench) async throws -> [Row] {
        let topic = try await bench.consumeTopic()
        let (bootstrap, size, partitions, count) = (bench.bootstrap, bench.size, bench.partitions, bench.count)
        var rows: [Row] = []
        for setting in [PrefetchSetting.librdkafkaDefaults, .lifted] {
            var c: [Sample] = []
            var swift: [Sample] = []
            let scenario = "batch (\(setting.name))"
            for rep in 1...bench.reps {
                let b = try await measuringCPU {
                    try CLoops.consumeBatch(
                        bootstrap: bootstrap, topic: topic, partitions: partitions, expected: count, size: size, properties: setting.c
                    )
                }
                c.append(b)
                report(scenario, rep, "C consume_batch_queue", b)

                let s = try await bench.swiftConsumeRun("Swift batch consumer") {
                    try await SwiftConsumeLoops.consumeBatches(
                        bootstrap: bootstrap, topic: topic, partitions: partitions, expected: count, size: size,
                        properties: parseProperties(setting.swift)
                    )
                }
                swift.append(s)
                report(scenario, rep, "Swift batches(maxCount: 1024, maxWait: .zero)", s)
            }
            rows.append(
                Row(
                    "\(scenario): Swift batches vs C batch_queue", swift: swift, c: c, target: .ratioAtLeast(0.97),
                    gate: bench.throughputGate))
        }
        return rows
    }
}

extension Bench {
    /// One Swift consume run of ``count`` messages, bounded by the run timeout, with the process
    /// CPU it took (from creating the consumer to closing it) in its sample.
    func swiftConsumeRun(
        _ what: String, _ run: @escaping @Sendable () async throws -> SwiftConsumeLoops.Outcome
    ) async throws -> Sample {
        try await measuringCPU {
            try await withTimeout(self.timeout(self.count), what) { try await run().sample }
        }
    }
}
