import Foundation

/// Throughput against message size (10 B, 100 B, 1 KiB, 10 KiB): produce (C produce loop against
/// Swift enqueue + flush) and consume (C consumer_poll against Swift for-await, librdkafka's default
/// prefetch). Messages per size: `--messages`, capped so no partition holds more than 4 MiB with at
/// most 64 partitions. Writes `<results-directory>/sizes.csv` for scripts/plot-benchmarks.py.
enum SizeSweep {
    static let sizes = [10, 100, 1_024, 10_240]
    static let maxPartitions = 64
    static let partitionBytes = 4 << 20

    static func run(_ bench: Bench) async throws -> [Row] {
        let bootstrap = bench.bootstrap
        var rows: [Row] = []
        var csv = "size_bytes,messages,partitions,operation,side,msgs_per_s,mb_per_s\n"
        for size in sizes {
            let count = min(bench.count, maxPartitions * (partitionBytes / size))
            let partitions = max(bench.partitions, (count * size + partitionBytes - 1) / partitionBytes)
            var (cProduce, swiftProduce, cConsume, swiftConsume) = ([Sample](), [Sample](), [Sample](), [Sample]())
            let label = "sizes \(size) B"
            // Produce runs share one topic (see SharedProduceTopic); consumers read one written once, untimed.
            let shared = try await SharedProduceTopic(bench, name: "bench-size-\(size)", partitions: partitions)
            let consumeTopic = try await bench.writtenTopic("bench-size-\(size)-consume", partitions: partitions, count: count, size: size)
            for rep in 1...bench.reps {
                let c = try await shared.run(expecting: count) { topic in
                    try CLoops.produce(bootstrap: bootstrap, topic: topic, partitions: partitions, count: count, size: size)
                }
                cProduce.append(c)
                report(label, rep, "produce C rd_kafka_produce", c)

                let s = try await shared.run(expecting: count) { topic in
                    try await withTimeout(bench.timeout(count), "Swift enqueue producer") {
                        try await SwiftProduceLoops.enqueue(
                            bootstrap: bootstrap, topic: topic, partitions: partitions, count: count, size: size)
                    }
                }
                swiftProduce.append(s)
                report(label, rep, "produce Swift enqueue + flush", s)

                let cc = try CLoops.consumePoll(
                    bootstrap: bootstrap, topic: consumeTopic, partitions: partitions, expected: count, size: size, properties: nil
                )
                cConsume.append(cc)
                report(label, rep, "consume C consumer_poll", cc)

                let sc = try await withTimeout(bench.timeout(count), "Swift consumer") {
                    try await SwiftConsumeLoops.consume(
                        bootstrap: bootstrap, topic: consumeTopic, partitions: partitions, expected: count, size: size,
                        // librdkafka's prefetch on both sides, as in the consume group's "defaults" rows.
                        properties: parseProperties(AsyncKafkaBenchmarks.librdkafkaDefaultPrefetch)
                    ).sample
                }
                swiftConsume.append(sc)
                report(label, rep, "consume Swift for-await", sc)
            }
            let produceRow = Row("\(label) (\(format(count)) msgs): produce, Swift enqueue vs C", swift: swiftProduce, c: cProduce)
            let consumeRow = Row("\(label) (\(format(count)) msgs): consume, Swift for-await vs C poll", swift: swiftConsume, c: cConsume)
            rows += [produceRow, consumeRow]
            for (operation, row) in [("produce", produceRow), ("consume", consumeRow)] {
                for (side, rate) in [("swift", row.swift), ("c", row.c)] {
                    csv +=
                        "\(size),\(count),\(partitions),\(operation),\(side),\(Int(rate)),"
                        + String(format: "%.3f", rate * Double(size) / 1e6) + "\n"
                }
            }
        }
        let directory = bench.options.resultsDirectory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/sizes.csv"
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        progress("  wrote \(path) (plot: python3 scripts/plot-benchmarks.py)")
        return rows
    }
}
