import AsyncKafka
import Synchronization

/// End-to-end latency, producer send → consumer receives, at a fixed rate: the Swift pipeline
/// (`enqueue` at `linger.ms=0` from a task paced on a thread of its own, `for try await` on an
/// assigned consumer with `fetch.wait.max.ms=1`) against the same pipeline in C (a producer
/// thread and a consumer thread). Each message carries
/// its send time (CLOCK_MONOTONIC ns, same process) and sequence number; warm-up messages go first
/// until the consumer receives, so timing starts with the consumer caught up.
enum LatencyScenario {
    /// Warm-up messages sent after the consumer received its first one (as the C pipeline).
    static let warmupAfterReady = 100

    static func run(_ bench: Bench) async throws -> [Row] {
        let rate = bench.options.latencyRate
        let seconds = bench.options.latencySeconds ?? (bench.quick ? 2 : 5)
        let count = rate * seconds
        let size = max(16, bench.size)
        let bootstrap = bench.bootstrap
        var cRuns: [Stats] = []
        var swiftRuns: [Stats] = []
        // --quick: one run of each (2 s of samples each); otherwise --repetitions, and the table shows
        // the median over runs of each run's mean, p50 and p99 (one stalled run on this shared machine
        // would otherwise dominate pooled means and p99s).
        for rep in 1...(bench.quick ? 1 : bench.reps) {
            let cTopic = bench.unusedTopicName("bench-latency-c-\(rep)")
            try await bench.createTopic(cTopic, partitions: 1)
            let c = try CLoops.latency(bootstrap: bootstrap, topic: cTopic, rate: rate, count: count, size: size)
            cRuns.append(stats(c))
            progress("  latency #\(rep) C pipeline: \(cRuns.last!)")

            let swiftTopic = bench.unusedTopicName("bench-latency-swift-\(rep)")
            try await bench.createTopic(swiftTopic, partitions: 1)
            let s = try await withTimeout(.seconds(60 + seconds), "Swift latency pipeline") {
                try await swiftPipeline(bootstrap: bootstrap, topic: swiftTopic, rate: rate, count: count, size: size)
            }
            swiftRuns.append(stats(s))
            progress("  latency #\(rep) Swift pipeline: \(swiftRuns.last!)")
        }
        let what = "latency \(format(rate)) msg/s, median of runs"
        // --quick gates only p50, at 2x: a 2 s run on a shared 2-core machine has too few
        // samples and too much scheduling noise for the mean, p99 or a 1.2x bound.
        return [
            Row("\(what): mean", swift: median(swiftRuns.map(\.mean)), c: median(cRuns.map(\.mean)), unit: "µs", target: .ratioAtMost(1.2)),
            Row(
                "\(what): p50", swift: median(swiftRuns.map(\.p50)), c: median(cRuns.map(\.p50)), unit: "µs",
                target: .ratioAtMost(1.2), gate: .ratioAtMost(2.0)
            ),
            Row("\(what): p99", swift: median(swiftRuns.map(\.p99)), c: median(cRuns.map(\.p99)), unit: "µs", target: .ratioAtMost(1.2)),
        ]
    }

    struct Stats: CustomStringConvertible {
        let count: Int
        let mean, p50, p99, max: Double

        var description: String {
            "\(format(self.count)) msgs, mean "
                + String(format: "%.0f µs, p50 %.0f µs, p99 %.0f µs, max %.0f µs", self.mean, self.p50, self.p99, self.max)
        }
    }

    /// Mean and nearest-rank percentiles, in µs.
    static func stats(_ nanoseconds: [Int64]) -> Stats {
        let sorted = nanoseconds.sorted()
        func percentile(_ q: Double) -> Double {
            let rank = Swift.max(1, Int((q * Double(sorted.count)).rounded(.up)))
            return Double(sorted[rank - 1]) / 1_000
        }
        let mean = sorted.reduce(0.0) { $0 + Double($1) } / Double(sorted.count) / 1_000
        return Stats(count: sorted.count, mean: mean, p50: percentile(0.5), p99: percentile(0.99), max: Double(sorted.last!) / 1_000)
    }

    /// The Swift producer's thread. Pacing with `Task.sleep` instead cost two more thread wake-ups
    /// per message than the C loop (Dispatch's timer thread, then a pool thread), which competed
    /// with the pipeline for this machine's two cores: the Swift p99 read 1.13-1.42x C with it,
    /// 1.15-1.24x without it, in alternating runs.
    static let pacer = DedicatedThreadExecutor(name: "bench:pacer")

    final class ReadyFlag: Sendable {
        let value = Atomic<Bool>(false)
    }

    /// The Swift pipeline: latencies in nanoseconds, indexed by sequence number.
    static func swiftPipeline(bootstrap: String, topic: String, rate: Int, count: Int, size: Int) async throws -> [Int64] {
        let consumer = try await SwiftConsumeLoops.assignedConsumer(
            bootstrap: bootstrap, topic: topic, partitions: 1,
            properties: parseProperties(AsyncKafkaBenchmarks.librdkafkaDefaultPrefetch + ";fetch.wait.max.ms=1")
        )
        var configuration = KafkaProducerConfiguration(bootstrapServers: bootstrap)
        configuration.properties["linger.ms"] = "0"
        let producer = try KafkaProducer(configuration: configuration)
        let ready = ReadyFlag()

        let latencies = try await withThrowingTaskGroup(of: [Int64]?.self, returning: [Int64].self) { group in
            group.addTask {
                var latencies = [Int64](repeating: 0, count: count)
                var (received, duplicates, malformed) = (0, 0, 0)
                for try await message in consumer.messages {
                    let now = monotonicNanoseconds()
                    guard let value = message.value, value.count >= 16 else {
                        malformed += 1
                        continue
                    }
                    let (sent, sequence) = value.withUnsafeBytes {
                        ($0.loadUnaligned(fromByteOffset: 0, as: Int64.self), $0.loadUnaligned(fromByteOffset: 8, as: Int64.self))
                    }
                    ready.value.store(true, ordering: .relaxed)
                    if sequence < 0 { continue }
                    guard sequence < count else {
                        malformed += 1
                        continue
                    }
                    if latencies[Int(sequence)] != 0 {
                        duplicates += 1
                    } else {
                        latencies[Int(sequence)] = Swift.max(1, now - sent)
                        received += 1
                        if received == count { break }
                    }
                }
                guard received == count, duplicates == 0, malformed == 0 else {
                    throw BenchmarkFailure(
                        "Swift latency pipeline on \(topic): \(received) of \(count) messages, \(duplicates) duplicates, \(malformed) malformed"
                    )
                }
                return latencies
            }
            // The producer task paces itself on a thread of its own, as the C producer thread does.
            group.addTask(executorPreference: Self.pacer) {
                try await produceStamped(producer: producer, topic: topic, rate: rate, count: count, size: size, ready: ready)
                return nil
            }
            var result: [Int64] = []
            while let next = try await group.next() {
                if let next { result = next }
            }
            return result
        }
        await consumer.close()
        await producer.close()
        return latencies
    }

    /// Sends warm-up messages until the consumer receives, `warmupAfterReady` more, then `count`
    /// timed ones, `rate` per second on an absolute schedule, each stamped just before `enqueue`.
    private static func produceStamped(
        producer: KafkaProducer, topic: String, rate: Int, count: Int, size: Int, ready: ReadyFlag
    ) async throws {
        let period = Int64(1_000_000_000 / rate)
        var next = monotonicNanoseconds()
        let giveUp = next + 30_000_000_000
        func send(_ sequence: Int64) async throws {
            var value = [UInt8](repeating: 0, count: size)
            let sent = monotonicNanoseconds()
            value.withUnsafeMutableBytes {
                $0.storeBytes(of: sent, toByteOffset: 0, as: Int64.self)
                $0.storeBytes(of: sequence, toByteOffset: 8, as: Int64.self)
            }
            try await producer.enqueue(KafkaProducerMessage(topic: topic, partition: 0, value: value))
        }
        var afterReady = 0
        while afterReady < warmupAfterReady {
            guard next < giveUp else { throw BenchmarkFailure("the Swift latency consumer received nothing in 30 s") }
            try await send(-1)
            if ready.value.load(ordering: .relaxed) { afterReady += 1 }
            next += period
            sleepThread(untilMonotonic: next)
        }
        for sequence in 0..<count {
            try await send(Int64(sequence))
            next += period
            sleepThread(untilMonotonic: next)
        }
        try await producer.flush(timeout: .seconds(10))
    }
}
