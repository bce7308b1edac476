import ArgumentParser
import AsyncKafka
import AsyncKafkaTesting
import Foundation

/// The scenario groups `--only` selects from.
enum ScenarioGroup: String, CaseIterable {
    case produce, consume, batch, latency, isolation, memory, allocations, sizes

    /// What `--quick` runs when `--only` is not given: the gated set.
    static let quickSet: [ScenarioGroup] = [.produce, .consume, .batch, .latency, .isolation]
}

@main
struct AsyncKafkaBenchmarks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "AsyncKafkaBenchmarks",
        abstract: "AsyncKafka against plain C librdkafka, side by side, on one embedded broker.",
        discussion: """
            Starts one embedded (mock) Kafka broker in this process, then runs each \
            C loop and its Swift counterpart alternately, the pair repeated \
            --repetitions times, and prints the median of each. Every run's \
            message count is verified; a wrong count is an error, not a figure. \
            Groups: \(ScenarioGroup.allCases.map(\.rawValue).joined(separator: ", ")).
            """
    )

    /// The properties that lift librdkafka's consumer prefetch cap.
    static let liftedPrefetch = "queued.min.messages=1000000;queued.max.messages.kbytes=2097151"

    /// librdkafka 2.0.2's own prefetch defaults, spelled out: an AsyncKafka consumer otherwise
    /// applies its bounded defaults (50,000 messages, 4 MiB fetches; `ConsumerPrefetchDefaults`).
    static let librdkafkaDefaultPrefetch = "queued.min.messages=100000;fetch.max.bytes=52428800"

    /// The prefetch an AsyncKafka consumer applies by default (`ConsumerPrefetchDefaults`, internal
    /// to the library), for giving a C loop the same settings.
    static let asyncKafkaDefaultPrefetch = "queued.min.messages=50000;fetch.max.bytes=4194304"

    @Option(help: "Comma-separated scenario groups to run (default: all; with --quick: produce,consume,batch,latency,isolation).")
    var only: String?

    @Option(help: "Messages per run (default: 1,000,000; 400,000 with --quick).")
    var messages: Int?

    @Option(help: "Payload size in bytes.")
    var size: Int = 100

    @Option(help: "Partitions per topic (messages are spread evenly; each partition must stay under 4 MiB).")
    var partitions: Int = 24

    @Option(help: "How often each C/Swift pair runs (default: 3). The table shows the median.")
    var repetitions: Int?

    @Option(
        help:
            "Awaited sends in flight at once in the task-per-send producer (a task group's bookkeeping grows with its children: 1,000 ran faster than 10,000)."
    )
    var window: Int = 1_000

    @Option(
        help:
            "Messages per send(contentsOf:) call in the pipelined batch producer (4 × 25,000 in flight: librdkafka's default queue.buffering.max.messages, the most the C loop can have in flight)."
    )
    var chunk: Int = 25_000

    @Option(help: "send(contentsOf:) calls in flight at once in the pipelined batch producer.")
    var chunksInFlight: Int = 4

    @Option(help: "Messages for the one-at-a-time `try await send` rate (default: 20,000; 2,000 with --quick).")
    var sendOneMessages: Int?

    @Option(help: "Seconds of timed messages in the latency scenario (default: 5; 2 with --quick).")
    var latencySeconds: Int?

    @Option(help: "Messages per second in the latency scenario.")
    var latencyRate: Int = 1_000

    @Option(help: "Busy-wait per message (ns) of the slow handler in the memory scenario.")
    var slowHandlerNs: Int = 10_000

    @Flag(
        help:
            "200,000 messages (1,000,000 for produce), the gated set, one latency run; a group whose gate fails is measured again (3 times at most); exit non-zero if a gate still fails."
    )
    var quick = false

    @Option(help: "The lowest Swift/C throughput ratio --quick accepts.")
    var minRatio: Double = 0.8

    @Option(help: "Where the size sweep writes sizes.csv.")
    var resultsDirectory: String = "Benchmarks/results"

    // The memory scenario runs each consumer in a fresh child process of this executable.
    @Option(
        help:
            "Run against this broker (host:port, e.g. Tansu from scripts/bench.sh --tansu) instead of the embedded one; meant for --only produce,consume."
    )
    var brokers: String?

    @Option(help: .hidden) var memoryChild: String?
    @Option(help: .hidden) var bootstrap: String?
    @Option(help: .hidden) var topic: String?
    @Option(help: .hidden) var memoryProperties: String?

    var messageCount: Int { self.messages ?? (self.quick ? 400_000 : 1_000_000) }
    var repetitionCount: Int { self.repetitions ?? 3 }

    var groups: [ScenarioGroup] {
        get throws {
            guard let only = self.only else { return self.quick ? ScenarioGroup.quickSet : ScenarioGroup.allCases }
            return try only.split(separator: ",").map { name in
                guard let group = ScenarioGroup(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError(
                        "unknown group '\(name)'; groups: \(ScenarioGroup.allCases.map(\.rawValue).joined(separator: ","))"
                    )
                }
                return group
            }
        }
    }

    func validate() throws {
        guard self.messageCount >= 1, self.size >= 0, self.partitions >= 1, self.repetitionCount >= 1, self.window >= 1,
            self.chunk >= 1, self.chunksInFlight >= 1, self.latencyRate >= 1
        else {
            throw ValidationError("counts, --partitions, --repetitions, --window, --chunk must be positive, --size not negative")
        }
        _ = try self.groups
        // The 2.0.2 mock broker keeps at most ~5 MiB per partition and drops older data.
        guard self.brokers == nil else { return }
        let perPartition = (self.messageCount + self.partitions - 1) / self.partitions
        guard perPartition * self.size <= 4 << 20 else {
            throw ValidationError(
                "\(perPartition) messages of \(self.size) B per partition exceed 4 MiB, more than the mock broker keeps: use more --partitions"
            )
        }
    }

    func run() async throws {
        if let side = self.memoryChild {
            try await MemoryScenario.child(side: side, bootstrap: self.bootstrap ?? "", topic: self.topic ?? "", options: self)
            return
        }
        try CLoops.checkProperties(Self.liftedPrefetch)
        try CLoops.checkProperties(Self.librdkafkaDefaultPrefetch)
        try CLoops.checkProperties(Self.asyncKafkaDefaultPrefetch)
        let groups = try self.groups

        let cluster = self.brokers == nil ? try EmbeddedKafkaCluster(brokers: 1) : nil
        defer { cluster?.stop() }
        let bench = Bench(options: self, cluster: cluster, bootstrap: self.brokers ?? cluster!.bootstrapServers)
        let clock = ContinuousClock()
        let start = clock.now

        progress("AsyncKafka benchmarks: librdkafka \(CLoops.librdkafkaVersion), \(ProcessInfo.processInfo.activeProcessorCount) cores,")
        progress(
            "\(format(bench.count)) messages of \(self.size) B over \(self.partitions) partitions, \(bench.reps) repetition(s), median shown"
        )
        let broker = cluster == nil ? "broker" : "embedded broker"
        progress("groups: \(groups.map(\.rawValue).joined(separator: ",")); \(broker) at \(bench.bootstrap)\n")

        var rowsByGroup: [(group: ScenarioGroup, rows: [Row])] = []
        for group in groups {
            progress("== \(group.rawValue)")
            rowsByGroup.append((group, try await Self.run(group, bench)))
        }
        // --quick guards against regressions without being flaky: on this noisy 2-core machine one
        // set of runs can miss by chance, so a group whose gate fails is measured
        // again (twice at most) and its last measurement counts. A real regression fails every time.
        if self.quick {
            for attempt in 2...Self.quickAttempts {
                for index in rowsByGroup.indices where rowsByGroup[index].rows.contains(where: \.gateFails) {
                    let group = rowsByGroup[index].group
                    progress("== \(group.rawValue) again (attempt \(attempt) of \(Self.quickAttempts)): a --quick gate failed")
                    rowsByGroup[index].rows = try await Self.run(group, bench)
                }
            }
        }
        let rows = rowsByGroup.flatMap(\.rows)

        let wall = start.duration(to: clock.now).inSeconds
        let produceReps = bench.produceReps != bench.reps ? " (produce: \(bench.produceReps))" : ""
        let where_ = cluster == nil ? "broker \(bench.bootstrap) over TCP" : "embedded broker"
        print(
            "\n\(where_), librdkafka \(CLoops.librdkafkaVersion); median of \(bench.reps) run(s)\(produceReps); prefetch lifted = \(Self.liftedPrefetch); wall time \(String(format: "%.1f", wall)) s"
        )
        print("ratio = Swift/C; 'better' says which direction is good; targets are issue 6's\n")
        printTable(rows)

        if self.quick {
            let failed = rows.filter(\.gateFails)
            if !failed.isEmpty {
                print("\nFAIL: --quick gates failed for: " + failed.map(\.scenario).joined(separator: "; "))
                throw Self.gateFailed
            }
            print("\nOK: every --quick gate holds (throughput ratios ≥ \(self.minRatio), latency p50 ≤ 2x)")
        }
    }
}

extension AsyncKafkaBenchmarks {
    /// The exit status when a --quick gate fails (any other error, such as a wrong message count, exits 1).
    static let gateFailed = ExitCode(3)

    /// How often --quick measures a group whose gate fails, in all.
    static let quickAttempts = 3

    static func run(_ group: ScenarioGroup, _ bench: Bench) async throws -> [Row] {
        switch group {
        case .produce: try await ProduceScenarios.run(bench)
        case .consume: try await ConsumeScenarios.run(bench)
        case .batch: try await BatchScenario.run(bench)
        case .latency: try await LatencyScenario.run(bench)
        case .isolation: try await IsolationScenario.run(bench)
        case .memory: try await MemoryScenario.run(bench)
        case .allocations: try await AllocationScenario.run(bench)
        case .sizes: try await SizeSweep.run(bench)
        }
    }
}

/// What every scenario needs: the broker, the options, and the shared consume topic.
final class Bench {
    /// The embedded broker, or `nil` with `--brokers`.
    let cluster: EmbeddedKafkaCluster?
    let bootstrap: String
    let options: AsyncKafkaBenchmarks
    let count: Int
    let size: Int
    let partitions: Int
    let reps: Int
    let quick: Bool
    private var consumeTopicName: String?
    private var topicNames: Set<String> = []

    init(options: AsyncKafkaBenchmarks, cluster: EmbeddedKafkaCluster?, bootstrap: String) {
        self.cluster = cluster
        self.bootstrap = bootstrap
        self.options = options
        self.count = options.messageCount
        self.size = options.size
        self.partitions = options.partitions
        self.reps = options.repetitionCount
        self.quick = options.quick
    }

    /// Repetitions of the produce pairs: --quick takes the median of 5 there, its noisiest gated rows.
    var produceReps: Int { self.quick && self.options.repetitions == nil ? 5 : self.reps }

    /// The --quick gate for a main throughput scenario.
    var throughputGate: Check { .ratioAtLeast(self.options.minRatio) }

    /// `name`, or `name-2`, `name-3`, … when it was used before (a group measured again by --quick).
    func unusedTopicName(_ name: String) -> String {
        var candidate = name
        var suffix = 2
        while self.topicNames.contains(candidate) {
            candidate = "\(name)-\(suffix)"
            suffix += 1
        }
        self.topicNames.insert(candidate)
        return candidate
    }

    /// `count` messages of `size` bytes over `partitions`, written once by the C producer (untimed) and verified.
    func consumeTopic() async throws -> String {
        if let name = self.consumeTopicName { return name }
        let name = try await self.writtenTopic("bench-consume", partitions: self.partitions, count: self.count, size: self.size)
        self.consumeTopicName = name
        return name
    }

    /// Creates a topic named `name` (made unique) for consumers to read: `count` messages of `size`
    /// bytes over `partitions`, written by the C producer (untimed) and verified. Returns its name.
    func writtenTopic(_ name: String, partitions: Int, count: Int, size: Int) async throws -> String {
        let name = self.unusedTopicName(name)
        try await self.createTopic(name, partitions: partitions)
        _ = try CLoops.produce(bootstrap: self.bootstrap, topic: name, partitions: partitions, count: count, size: size)
        guard self.watermarksCountMessages else { return name }
        try CLoops.verifyTopic(bootstrap: self.bootstrap, topic: name, partitions: partitions, expected: count)
        return name
    }

    /// Whether a partition's high watermark is its message count, so runs can be verified by it.
    /// Not on Tansu 0.6.0: after a batch of records, ListOffsets answers the last batch's base
    /// offset + 1 (IntegrationTests' `highWatermarkAfterABatch` records it). There the check is
    /// what the loops count: delivery reports (the C loop, `send(contentsOf:)`, task-per-send;
    /// `enqueue` + `flush` only logs a failed delivery) and messages read (every consumer loop).
    var watermarksCountMessages: Bool { self.cluster != nil }

    /// Creates `name` with `partitions` partitions: on the embedded broker, or through the admin
    /// client on a `--brokers` broker.
    func createTopic(_ name: String, partitions: Int) async throws {
        if let cluster = self.cluster {
            try cluster.createTopic(name, partitions: partitions)
            return
        }
        let admin = try KafkaAdminClient(configuration: KafkaAdminConfiguration(bootstrapServers: self.bootstrap))
        let results: [KafkaTopicResult]
        do {
            results = try await admin.createTopics([KafkaNewTopic(name: name, partitions: partitions)], timeout: .seconds(30))
        } catch {
            await admin.close()
            throw error
        }
        await admin.close()
        if let error = results.compactMap(\.error).first { throw error }
    }

    /// A generous bound for one run of `count` messages: 30 s plus 20k msg/s.
    func timeout(_ count: Int) -> Duration {
        .seconds(30 + count / 20_000)
    }
}
