import ArgumentParser
import AsyncKafkaTesting
import Foundation

/// One measured run: how many messages, in how many seconds.
struct Sample: Sendable {
    let count: Int
    let seconds: Double
    var rate: Double { Double(self.count) / self.seconds }
}

/// A benchmark that did not produce a valid figure (wrong count, timeout, bad configuration).
struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

@main
struct AsyncKafkaBenchmarks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "AsyncKafkaBenchmarks",
        abstract: "AsyncKafka against plain C librdkafka, side by side, on one embedded broker.",
        discussion: """
            Starts one embedded (mock) Kafka broker in this process, then runs each \
            C loop and its Swift counterpart alternately, the pair repeated \
            --repetitions times, and prints the median rate of each. Every run's \
            message count is verified; a wrong count is an error, not a figure.
            """
    )

    /// The properties that lift librdkafka's consumer prefetch cap, for the third scenario.
    static let liftedPrefetch = "queued.min.messages=1000000;queued.max.messages.kbytes=2097151"

    @Option(help: "Messages per run (default: 1,000,000; 200,000 with --quick).")
    var messages: Int?

    @Option(help: "Payload size in bytes.")
    var size: Int = 100

    @Option(help: "Partitions per topic (messages are spread evenly; each partition must stay under 4 MiB).")
    var partitions: Int = 24

    @Option(help: "How often each C/Swift pair runs (default: 3; 1 with --quick). The table shows the median.")
    var repetitions: Int?

    @Option(help: "Awaited sends in flight at once in the task-group producer.")
    var window: Int = 10_000

    @Flag(help: "200,000 messages, one repetition, and exit non-zero if any Swift/C ratio is below --min-ratio.")
    var quick = false

    @Option(help: "The lowest Swift/C ratio --quick accepts.")
    var minRatio: Double = 0.8

    var messageCount: Int { self.messages ?? (self.quick ? 200_000 : 1_000_000) }
    var repetitionCount: Int { self.repetitions ?? (self.quick ? 1 : 3) }

    func validate() throws {
        guard self.messageCount >= 1, self.size >= 0, self.partitions >= 1, self.repetitionCount >= 1, self.window >= 1 else {
            throw ValidationError("--messages, --partitions, --repetitions and --window must be positive, --size not negative")
        }
        // The 2.0.2 mock broker keeps at most ~5 MiB per partition and drops older data.
        let perPartition = (self.messageCount + self.partitions - 1) / self.partitions
        guard perPartition * self.size <= 4 << 20 else {
            throw ValidationError(
                "\(perPartition) messages of \(self.size) B per partition exceed 4 MiB, more than the mock broker keeps: use more --partitions"
            )
        }
    }

    func run() async throws {
        let count = self.messageCount
        let reps = self.repetitionCount
        try CLoops.checkProperties(Self.liftedPrefetch)

        let cluster = try EmbeddedKafkaCluster(brokers: 1)
        defer { cluster.stop() }
        let bootstrap = cluster.bootstrapServers

        print("AsyncKafka benchmarks: librdkafka \(CLoops.librdkafkaVersion), \(ProcessInfo.processInfo.activeProcessorCount) cores,")
        print("\(format(count)) messages of \(self.size) B over \(self.partitions) partitions, \(reps) repetition(s), median shown")
        print("embedded broker at \(bootstrap)\n")

        // 1. Produce: a fresh topic per run, so no partition overflows.
        var cProduce: [Sample] = []
        var swiftEnqueue: [Sample] = []
        var swiftSend: [Sample] = []
        var swiftBatch: [Sample] = []
        for rep in 1...reps {
            let cTopic = "bench-produce-c-\(rep)"
            try cluster.createTopic(cTopic, partitions: self.partitions)
            let c = try CLoops.produce(bootstrap: bootstrap, topic: cTopic, partitions: self.partitions, count: count, size: self.size)
            try CLoops.verifyTopic(bootstrap: bootstrap, topic: cTopic, partitions: self.partitions, expected: count)
            cProduce.append(c)
            report("produce", rep, "C rd_kafka_produce", c)

            let enqueueTopic = "bench-produce-swift-enqueue-\(rep)"
            try cluster.createTopic(enqueueTopic, partitions: self.partitions)
            let e = try await withTimeout(self.timeout(count), "Swift enqueue producer") { [size, partitions] in
                try await SwiftLoops.produceEnqueue(
                    bootstrap: bootstrap, topic: enqueueTopic, partitions: partitions, count: count, size: size
                )
            }
            try CLoops.verifyTopic(bootstrap: bootstrap, topic: enqueueTopic, partitions: self.partitions, expected: count)
            swiftEnqueue.append(e)
            report("produce", rep, "Swift enqueue + flush", e)

            let sendTopic = "bench-produce-swift-send-\(rep)"
            try cluster.createTopic(sendTopic, partitions: self.partitions)
            let s = try await withTimeout(self.timeout(count), "Swift send producer") { [size, partitions, window] in
                try await SwiftLoops.produceSend(
                    bootstrap: bootstrap, topic: sendTopic, partitions: partitions, count: count, size: size, window: window
                )
            }
            try CLoops.verifyTopic(bootstrap: bootstrap, topic: sendTopic, partitions: self.partitions, expected: count)
            swiftSend.append(s)
            report("produce", rep, "Swift send, \(format(self.window)) in flight", s)

            let batchTopic = "bench-produce-swift-batch-\(rep)"
            try cluster.createTopic(batchTopic, partitions: self.partitions)
            let b = try await withTimeout(self.timeout(count), "Swift send(contentsOf:) producer") { [size, partitions, window] in
                try await SwiftLoops.produceBatch(
                    bootstrap: bootstrap, topic: batchTopic, partitions: partitions, count: count, size: size, window: window
                )
            }
            try CLoops.verifyTopic(bootstrap: bootstrap, topic: batchTopic, partitions: self.partitions, expected: count)
            swiftBatch.append(b)
            report("produce", rep, "Swift send(contentsOf:), chunks of \(format(self.window))", b)
        }

        // 2 and 3. Consume one topic, produced once (untimed), from the beginning, each run with its own consumer.
        let consumeTopic = "bench-consume"
        try cluster.createTopic(consumeTopic, partitions: self.partitions)
        _ = try CLoops.produce(bootstrap: bootstrap, topic: consumeTopic, partitions: self.partitions, count: count, size: self.size)
        try CLoops.verifyTopic(bootstrap: bootstrap, topic: consumeTopic, partitions: self.partitions, expected: count)

        var rows: [Row] = [
            Row(scenario: "produce: Swift enqueue+flush vs C produce loop", swift: swiftEnqueue, c: cProduce),
            Row(scenario: "produce: Swift send(contentsOf:) (awaited reports) vs C", swift: swiftBatch, c: cProduce),
            // One child task per awaited send: reported, but not held to --min-ratio.
            Row(
                scenario: "produce: Swift send (\(format(self.window)) in flight) vs C produce loop",
                swift: swiftSend, c: cProduce, gated: false
            ),
        ]
        for (name, properties) in [("defaults", nil), ("prefetch lifted", Self.liftedPrefetch)] as [(String, String?)] {
            var poll: [Sample] = []
            var batch: [Sample] = []
            var swift: [Sample] = []
            let scenario = "consume (\(name))"
            for rep in 1...reps {
                let p = try CLoops.consumePoll(
                    bootstrap: bootstrap, topic: consumeTopic, partitions: self.partitions, expected: count,
                    size: self.size, properties: properties
                )
                poll.append(p)
                report(scenario, rep, "C consumer_poll", p)

                let s = try await withTimeout(self.timeout(count), "Swift consumer") { [size, partitions] in
                    try await SwiftLoops.consume(
                        bootstrap: bootstrap, topic: consumeTopic, partitions: partitions, expected: count, size: size,
                        properties: parseProperties(properties)
                    )
                }
                swift.append(s)
                report(scenario, rep, "Swift for-await messages", s)

                let b = try CLoops.consumeBatch(
                    bootstrap: bootstrap, topic: consumeTopic, partitions: self.partitions, expected: count,
                    size: self.size, properties: properties
                )
                batch.append(b)
                report(scenario, rep, "C consume_batch_queue", b)
            }
            rows.append(Row(scenario: "\(scenario): Swift vs C consumer_poll", swift: swift, c: poll))
            rows.append(Row(scenario: "\(scenario): Swift vs C consume_batch_queue", swift: swift, c: batch))
        }

        print("\nmedian of \(reps) run(s); prefetch lifted = \(Self.liftedPrefetch)\n")
        printTable(rows)

        if self.quick {
            let low = rows.filter { $0.gated && $0.ratio < self.minRatio }
            if !low.isEmpty {
                print("\nFAIL: Swift/C below \(self.minRatio) for: " + low.map(\.scenario).joined(separator: "; "))
                throw ExitCode.failure
            }
            print("\nOK: every Swift/C ratio is at least \(self.minRatio)")
        }
    }

    /// A generous bound for one run: 30 s plus 20k msg/s.
    private func timeout(_ count: Int) -> Duration {
        .seconds(30 + count / 20_000)
    }
}

/// A table row: a scenario, and the Swift and C samples it compares.
struct Row {
    let scenario: String
    let swift: [Sample]
    let c: [Sample]
    /// Whether `--quick` fails when this row's ratio is below `--min-ratio`.
    var gated = true
    var swiftRate: Double { median(self.swift.map(\.rate)) }
    var cRate: Double { median(self.c.map(\.rate)) }
    var ratio: Double { self.swiftRate / self.cRate }
}

func printTable(_ rows: [Row]) {
    let width = rows.map(\.scenario.count).max() ?? 10
    func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return left ? text + fill : fill + text
    }
    print("| \(pad("scenario", width, left: true)) | \(pad("Swift msg/s", 11)) | \(pad("C msg/s", 11)) | Swift/C |")
    print("|\(String(repeating: "-", count: width + 2))|------------:|------------:|--------:|")
    for row in rows {
        print(
            "| \(pad(row.scenario, width, left: true)) | \(pad(format(Int(row.swiftRate)), 11)) | "
                + "\(pad(format(Int(row.cRate)), 11)) | \(pad(String(format: "%.2f", row.ratio) + (row.gated ? "" : "*"), 7)) |"
        )
    }
    if rows.contains(where: { !$0.gated }) {
        print("* not held to --min-ratio by --quick")
    }
}

func report(_ scenario: String, _ rep: Int, _ what: String, _ sample: Sample) {
    print(
        "  \(scenario) #\(rep) \(what): \(format(sample.count)) msgs in "
            + "\(String(format: "%.3f", sample.seconds)) s = \(format(Int(sample.rate))) msg/s"
    )
    fflush(nil)  // every stream: progress shows when the output is a file or pipe
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/// 1234567 → "1,234,567".
func format(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (index, digit) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
        out.append(digit)
    }
    return value < 0 ? "-" + out : out
}

/// "k=v;k=v" → dictionary (nil → empty).
func parseProperties(_ text: String?) -> [String: String] {
    var result: [String: String] = [:]
    for item in (text ?? "").split(separator: ";") {
        guard let eq = item.firstIndex(of: "=") else { continue }
        result[String(item[..<eq])] = String(item[item.index(after: eq)...])
    }
    return result
}

/// Runs `body`, throwing if it takes longer than `limit` (the body is then cancelled).
func withTimeout<T: Sendable>(
    _ limit: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        let first = try await group.next()!
        group.cancelAll()
        guard let result = first else { throw BenchmarkFailure("\(what) did not finish within \(limit)") }
        return result
    }
}
