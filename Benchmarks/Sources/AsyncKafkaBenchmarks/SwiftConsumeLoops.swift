import AsyncKafka
import CAllocCounter

/// The consumer work of ``CLoops``, written the way an AsyncKafka user would.
enum SwiftConsumeLoops {
    /// The outcome of one consume run.
    struct Outcome: Sendable {
        let sample: Sample
        /// Allocation calls counted (process-wide) from the first message to the last.
        let allocations: UInt
    }

    /// A consumer with a unique group id, every partition of `topic` assigned from the beginning.
    static func assignedConsumer(
        bootstrap: String, topic: String, partitions: Int, properties: [String: String]
    ) async throws -> KafkaConsumer {
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: bootstrap, groupID: uniqueGroup("bench-swift"), autoOffsetReset: .earliest
        )
        configuration.properties["enable.partition.eof"] = "false"
        configuration.properties.merge(properties) { _, new in new }
        let consumer = try KafkaConsumer(configuration: configuration)
        try await consumer.assign(
            (0..<partitions).map { KafkaTopicPartition(topic: topic, partition: $0, offset: .beginning) }
        )
        return consumer
    }

    /// `for try await message in consumer.messages` until `expected` messages arrived, checking
    /// each value's length, busy-waiting `busyNanoseconds` per message (0: none), and with
    /// `storeEach` storing each message's offset (`try consumer.store(message)`; pass
    /// `enable.auto.offset.store=false` in `properties`).
    /// Time: from the first message to the last. Runs on the caller's actor (`#isolation`):
    /// nonisolated callers iterate on the global executor, `@MainActor` ones on the main actor.
    static func consume(
        bootstrap: String, topic: String, partitions: Int, expected: Int, size: Int, properties: [String: String],
        busyNanoseconds: Int64 = 0, storeEach: Bool = false, isolation: isolated (any Actor)? = #isolation
    ) async throws -> Outcome {
        let consumer = try await assignedConsumer(bootstrap: bootstrap, topic: topic, partitions: partitions, properties: properties)
        let clock = ContinuousClock()
        var first = clock.now
        var firstAllocations: UInt = 0
        var count = 0
        var wrongLength = 0
        for try await message in consumer.messages {
            if count == 0 {
                first = clock.now
                firstAllocations = bench_allocation_count()
            }
            count += 1
            if message.value?.count != size { wrongLength += 1 }
            busyWait(nanoseconds: busyNanoseconds)
            if storeEach { try consumer.store(message) }
            if count == expected { break }
        }
        let last = clock.now
        let allocations = bench_allocation_count() - firstAllocations
        await consumer.close()
        try check(topic: topic, "for-await messages", count: count, expected: expected, wrongLength: wrongLength)
        return Outcome(sample: Sample(count: count, seconds: first.duration(to: last).inSeconds), allocations: allocations)
    }

    /// ``consume(bootstrap:topic:partitions:expected:size:properties:busyNanoseconds:storeEach:isolation:)`` from the main actor.
    @MainActor
    static func consumeOnMainActor(
        bootstrap: String, topic: String, partitions: Int, expected: Int, size: Int, properties: [String: String]
    ) async throws -> Outcome {
        // Isolated to the main actor (checked), which the executable's async main services through
        // libdispatch's main queue. Observed with Swift 6.3.1 on Linux: Foundation's
        // Thread.isMainThread is false here, as dispatch_main() hands the main queue to a worker
        // thread; the jobs are still serialised on the main actor.
        MainActor.assertIsolated()
        return try await consume(
            bootstrap: bootstrap, topic: topic, partitions: partitions, expected: expected, size: size, properties: properties
        )
    }

    /// `for try await batch in consumer.batches(maxCount:maxWait: .zero)` until `expected` messages
    /// arrived, checking each value's length. Time: from the first batch to the last.
    static func consumeBatches(
        bootstrap: String, topic: String, partitions: Int, expected: Int, size: Int, properties: [String: String],
        maxCount: Int = 1024
    ) async throws -> Outcome {
        let consumer = try await assignedConsumer(bootstrap: bootstrap, topic: topic, partitions: partitions, properties: properties)
        let clock = ContinuousClock()
        var first = clock.now
        var firstAllocations: UInt = 0
        var count = 0
        var wrongLength = 0
        for try await batch in consumer.batches(maxCount: maxCount, maxWait: .zero) {
            if count == 0 {
                first = clock.now
                firstAllocations = bench_allocation_count()
            }
            for message in batch where message.value?.count != size { wrongLength += 1 }
            count += batch.count
            if count >= expected { break }
        }
        let last = clock.now
        let allocations = bench_allocation_count() - firstAllocations
        await consumer.close()
        try check(topic: topic, "batches", count: count, expected: expected, wrongLength: wrongLength)
        return Outcome(sample: Sample(count: count, seconds: first.duration(to: last).inSeconds), allocations: allocations)
    }

    private static func check(topic: String, _ what: String, count: Int, expected: Int, wrongLength: Int) throws {
        guard count == expected else {
            throw BenchmarkFailure("Swift \(what) on \(topic): \(count) of \(expected) messages")
        }
        guard wrongLength == 0 else {
            throw BenchmarkFailure("Swift \(what) on \(topic): \(wrongLength) messages had the wrong length")
        }
    }
}
