import CAllocCounter

/// Allocation calls (malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign; every
/// thread, librdkafka's included) per consumed message, counted between the first and the last
/// message, prefetch lifted: Swift for-await against the C poll loop, Swift batches against the
/// C batch loop. The counters are the interposed allocator of `CAllocCounter`.
enum AllocationScenario {
    static func run(_ bench: Bench) async throws -> [Row] {
        let topic = try bench.consumeTopic()
        let (bootstrap, size, partitions, count) = (bench.bootstrap, bench.size, bench.partitions, bench.count)
        let lifted = AsyncKafkaBenchmarks.liftedPrefetch
        bench_allocation_counting(1)
        defer { bench_allocation_counting(0) }
        try verifyInterposition(size: size)

        func perMessage(_ allocations: UInt) -> Double { Double(allocations) / Double(max(1, count - 1)) }

        _ = try CLoops.consumePoll(bootstrap: bootstrap, topic: topic, partitions: partitions, expected: count, size: size, properties: lifted)
        let cPoll = perMessage(CLoops.lastRunAllocations)
        let swift = try await withTimeout(bench.timeout(count), "Swift consumer") {
            try await SwiftConsumeLoops.consume(
                bootstrap: bootstrap, topic: topic, partitions: partitions, expected: count, size: size, properties: parseProperties(lifted)
            ).allocations
        }
        _ = try CLoops.consumeBatch(bootstrap: bootstrap, topic: topic, partitions: partitions, expected: count, size: size, properties: lifted)
        let cBatch = perMessage(CLoops.lastRunAllocations)
        let swiftBatches = try await withTimeout(bench.timeout(count), "Swift batch consumer") {
            try await SwiftConsumeLoops.consumeBatches(
                bootstrap: bootstrap, topic: topic, partitions: partitions, expected: count, size: size, properties: parseProperties(lifted)
            ).allocations
        }
        let rows = [
            Row("allocations/msg: Swift for-await vs C consumer_poll", swift: perMessage(swift), c: cPoll, unit: "allocs/msg"),
            Row("allocations/msg: Swift batches vs C batch_queue", swift: perMessage(swiftBatches), c: cBatch, unit: "allocs/msg"),
        ]
        for row in rows {
            progress("  \(row.scenario): " + String(format: "Swift %.2f, C %.2f", row.swift, row.c))
        }
        return rows
    }

    /// Fails unless allocations from glibc (strdup) and from the Swift runtime (a heap array) are counted.
    private static func verifyInterposition(size: Int) throws {
        guard bench_allocation_interposition_active() == 1 else {
            throw BenchmarkFailure("malloc interposition is not active: glibc's strdup was not counted")
        }
        let before = bench_allocation_count()
        let array = ContiguousArray<UInt8>(repeating: 1, count: size + 4096)
        let after = bench_allocation_count()
        guard after > before, array.reduce(0, { $0 &+ Int($1) }) == size + 4096 else {
            throw BenchmarkFailure("malloc interposition is not active: a Swift array allocation was not counted")
        }
    }
}
