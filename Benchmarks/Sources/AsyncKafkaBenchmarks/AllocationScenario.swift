import CAllocCounter

/// Allocation calls (malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign; every
/// thread, librdkafka's included) per consumed message, counted between the first and the last
/// message, prefetch lifted: Swift for-await against the C poll loop, Swift batches against the
/// C batch loop. The counters are the interposed allocator of `CAllocCounter`.
enum AllocationScenario {
    static func run(_ bench: Bench) async throws -> [Row] {
        let topic = try await bench.consumeTopic()
        let (bootstrap, size, partitions, count) = (bench.bootstrap, bench.size, bench.partitions, bench.count)
        let lifted = AsyncKafkaBenchmarks.liftedPrefetch
        bench_allocation_counting(1)
        defer { bench_allocation_counting(0) }
        try verifyInterposition(size: size)

        func perMessage(_ allocations: UInt) -> Double { Double(allocations) / Double(max(1, count - 1)) }

        var sizes = SizeClasses()
        _ = try CLoops.consumePoll(
            bootstrap: bootstrap, topic: topic, partitions: partitions, expected: count, size: size, properties: lifted)
        let cPoll = perMessage(CLoops.lastRunAllocations)
        sizes.report("C consumer_poll", messages: count)
        let swift = try await withTimeout(bench.timeout(count), "Swift consumer") {
            try await SwiftConsumeLoops.consume(
                bootstrap: bootstrap, topic: topic, partitions: partitions, expected: count, size: size, properties: parseProperties(lifted)
            ).allocations
        }
        sizes.report("Swift for-await", messages: count)
        _ = try CLoops.consumeBatch(
            bootstrap: bootstrap, topic: topic, partitions: partitions, expected: count, size: size, properties: lifted)
        let cBatch = perMessage(CLoops.lastRunAllocations)
        sizes.report("C batch_queue", messages: count)
        let swiftBatches = try await withTimeout(bench.timeout(count), "Swift batch consumer") {
            try await SwiftConsumeLoops.consumeBatches(
                bootstrap: bootstrap, topic: topic, partitions: partitions, expected: count, size: size, properties: parseProperties(lifted)
            ).allocations
        }
        sizes.report("Swift batches", messages: count)
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

/// Allocations per message by size class over a whole run (client creation and close included),
/// to show which allocations are per message.
struct SizeClasses {
    private var last = SizeClasses.snapshot()

    private static func snapshot() -> [UInt] {
        var counts = [UInt](repeating: 0, count: Int(BENCH_ALLOCATION_SIZE_CLASSES))
        counts.withUnsafeMutableBufferPointer { bench_allocation_size_classes($0.baseAddress) }
        return counts
    }

    /// Prints the size classes with at least 0.05 allocations per message since the last report.
    mutating func report(_ what: String, messages: Int) {
        let now = Self.snapshot()
        var parts: [String] = []
        for bucket in now.indices {
            let perMessage = Double(now[bucket] - self.last[bucket]) / Double(messages)
            guard perMessage >= 0.05 else { continue }
            let range = bucket == 0 ? "0 B" : "\(1 << (bucket - 1))–\((1 << bucket) - 1) B"
            parts.append(range + ": " + String(format: "%.2f", perMessage))
        }
        self.last = now
        progress("  \(what), allocations per message by size (whole run): " + parts.joined(separator: ", "))
    }
}
