/// The same `for try await message in consumer.messages` loop iterated from a `@MainActor`
/// function (the iterator's `next(isolation:)` runs on the main actor) and from a
/// nonisolated one, prefetch lifted, alternating; the cost is nonisolated/MainActor − 1.
/// Then the same for an `enqueue` + `flush` producer loop.
enum IsolationScenario {
    static func run(_ bench: Bench) async throws -> [Row] {
        let topic = try await bench.consumeTopic()
        let (bootstrap, size, partitions, count) = (bench.bootstrap, bench.size, bench.partitions, bench.count)
        let properties = parseProperties(AsyncKafkaBenchmarks.liftedPrefetch)
        var nonisolated: [Sample] = []
        var mainActor: [Sample] = []
        for rep in 1...bench.reps {
            let n = try await withTimeout(bench.timeout(count), "Swift nonisolated consumer") {
                try await SwiftConsumeLoops.consume(
                    bootstrap: bootstrap, topic: topic, partitions: partitions, expected: count, size: size, properties: properties
                ).sample
            }
            nonisolated.append(n)
            report("isolation", rep, "Swift for-await, nonisolated", n)

            let m = try await withTimeout(bench.timeout(count), "Swift @MainActor consumer") {
                try await SwiftConsumeLoops.consumeOnMainActor(
                    bootstrap: bootstrap, topic: topic, partitions: partitions, expected: count, size: size, properties: properties
                ).sample
            }
            mainActor.append(m)
            report("isolation", rep, "Swift for-await, @MainActor", m)
        }
        let row = Row(
            "isolation (prefetch lifted): Swift @MainActor vs Swift nonisolated", swift: mainActor, c: nonisolated,
            target: .costAtMost(percent: 10), gate: bench.throughputGate
        )
        progress("  isolation: @MainActor costs " + String(format: "%.1f%%", (row.c / row.swift - 1) * 100) + " (target ≤ 10%)")
        return [row, try await self.produce(bench)]
    }

    /// `enqueue` + `flush` from the main actor and from a nonisolated function, alternating,
    /// all runs on one topic (``SharedProduceTopic``). `enqueue` runs on its caller's actor; when it hopped off
    /// the actor and back for each message, the main-actor loop ran at 0.06x the nonisolated one.
    static func produce(_ bench: Bench) async throws -> Row {
        let (bootstrap, size, partitions, count) = (bench.bootstrap, bench.size, bench.partitions, bench.count)
        var nonisolated: [Sample] = []
        var mainActor: [Sample] = []
        let shared = try await SharedProduceTopic(bench, name: "bench-isolation-produce")
        for rep in 1...bench.reps {
            for onMainActor in [false, true] {
                let sample = try await shared.run(expecting: count) { topic in
                    try await withTimeout(bench.timeout(count), "Swift enqueue producer") {
                        onMainActor
                            ? try await SwiftProduceLoops.enqueueOnMainActor(
                                bootstrap: bootstrap, topic: topic, partitions: partitions, count: count, size: size
                            )
                            : try await SwiftProduceLoops.enqueue(
                                bootstrap: bootstrap, topic: topic, partitions: partitions, count: count, size: size
                            )
                    }
                }
                if onMainActor { mainActor.append(sample) } else { nonisolated.append(sample) }
                report("isolation", rep, "Swift enqueue + flush, " + (onMainActor ? "@MainActor" : "nonisolated"), sample)
            }
        }
        let row = Row(
            "isolation: Swift enqueue+flush @MainActor vs nonisolated", swift: mainActor, c: nonisolated,
            target: .costAtMost(percent: 10), gate: bench.throughputGate
        )
        progress("  isolation: enqueue on @MainActor costs " + String(format: "%.1f%%", (row.c / row.swift - 1) * 100))
        return row
    }
}
