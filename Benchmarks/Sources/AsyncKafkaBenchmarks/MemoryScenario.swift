import Foundation

/// Peak memory while consuming `--messages` messages with a deliberately slow handler (a busy-wait of
/// `--slow-handler-ns` per message), Swift `for try await` against the C `rd_kafka_consumer_poll` loop,
/// with AsyncKafka's default prefetch (the C loop given the same librdkafka settings), with librdkafka's
/// default prefetch, and with the prefetch bounded further on both sides (``boundedPrefetch``).
/// Each consumer runs in a fresh child process of this executable
/// (VmHWM is process-wide and cannot be reset); the figure is that child's VmHWM at the end minus
/// its VmRSS before the consumer was created. The broker stays in the parent.
enum MemoryScenario {
    /// The bounded setting. In librdkafka 2.0.2 the fetcher applies `queued.min.messages` (100,000)
    /// and `queued.max.messages.kbytes` (64 MiB) per partition, and one fetch response may be up to
    /// `fetch.max.bytes` (50 MB): with 24 partitions and the defaults, the C loop alone grows by
    /// 70-100 MiB. Bounding all three (at the price of librdkafka's fetch back-off pauses) shows
    /// what the Swift layer adds on top.
    static let boundedPrefetch = "queued.min.messages=10000;queued.max.messages.kbytes=16384;fetch.max.bytes=4194304"

    static func run(_ bench: Bench) async throws -> [Row] {
        let topic = try await bench.consumeTopic()
        var rows: [Row] = []
        let settings = [
            // AsyncKafka's defaults, the C loop given the same.
            (name: "AsyncKafka defaults", swift: "", c: AsyncKafkaBenchmarks.asyncKafkaDefaultPrefetch),
            (name: "librdkafka defaults", swift: AsyncKafkaBenchmarks.librdkafkaDefaultPrefetch, c: ""),
            (name: "prefetch bounded", swift: boundedPrefetch, c: boundedPrefetch),
        ]
        for setting in settings {
            let name = setting.name
            progress("  memory (\(name)):")
            let swift = try runChild(side: "swift", bench: bench, topic: topic, properties: setting.swift)
            let c = try runChild(side: "c", bench: bench, topic: topic, properties: setting.c)
            rows.append(
                Row(
                    "memory (\(name)): peak RSS growth, \(format(bench.count)) msgs, slow handler: Swift vs C poll",
                    swift: swift, c: c, unit: "MiB", target: .swiftBelow(64, "MiB")
                )
            )
        }
        return rows
    }

    /// Runs one side in a child process; returns its peak RSS growth in MiB.
    private static func runChild(side: String, bench: Bench, topic: String, properties: String) throws -> Double {
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--memory-child", side, "--bootstrap", bench.bootstrap, "--topic", topic,
            "--partitions", String(bench.partitions), "--messages", String(bench.count), "--size", String(bench.size),
            "--slow-handler-ns", String(bench.options.slowHandlerNs), "--memory-properties", properties,
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        // Blocks this thread until the child is done: nothing else runs meanwhile.
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let line = output.split(separator: "\n").first(where: { $0.hasPrefix("MEMORY|") })
        else {
            throw BenchmarkFailure("memory child (\(side)) failed with status \(process.terminationStatus): \(output)")
        }
        let fields = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard fields.count == 4 else { throw BenchmarkFailure("memory child (\(side)) printed '\(line)'") }
        let (before, peak, seconds, count) = (fields[0], fields[1], fields[2], Int(fields[3]))
        let growth = (peak - before) / 1024
        progress(
            "    \(side == "c" ? "C consumer_poll" : "Swift for-await"): \(format(count)) msgs in "
                + String(format: "%.1f s, RSS before %.1f MiB, peak %.1f MiB, growth %.1f MiB", seconds, before / 1024, peak / 1024, growth)
        )
        return growth
    }

    /// The child's side: consume slowly, then print `MEMORY| <VmRSS before KiB> <VmHWM after KiB> <seconds> <count>`.
    static func child(side: String, bootstrap: String, topic: String, options: AsyncKafkaBenchmarks) async throws {
        guard let before = procStatusKiB("VmRSS") else { throw BenchmarkFailure("no VmRSS in /proc/self/status") }
        let (count, size, partitions) = (options.messageCount, options.size, options.partitions)
        let properties = options.memoryProperties ?? ""
        let sample: Sample
        switch side {
        case "swift":
            sample = try await SwiftConsumeLoops.consume(
                bootstrap: bootstrap, topic: topic, partitions: partitions, expected: count, size: size,
                properties: parseProperties(properties),
                busyNanoseconds: Int64(options.slowHandlerNs)
            ).sample
        case "c":
            sample = try CLoops.consumeSlow(
                bootstrap: bootstrap, topic: topic, partitions: partitions, expected: count, size: size,
                busyNanoseconds: options.slowHandlerNs, properties: properties.isEmpty ? nil : properties
            )
        default:
            throw BenchmarkFailure("--memory-child must be swift or c")
        }
        guard let peak = procStatusKiB("VmHWM") else { throw BenchmarkFailure("no VmHWM in /proc/self/status") }
        print("MEMORY| \(before) \(peak) \(sample.seconds) \(sample.count)")
    }
}
