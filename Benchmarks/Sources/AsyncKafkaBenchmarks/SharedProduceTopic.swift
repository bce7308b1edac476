/// One topic that every produce run of a scenario group writes to; each run is verified by
/// how far it moved the topic's high watermarks.
///
/// A fresh topic per run would keep every run's ~100 MB in the embedded broker, which cannot
/// delete topics: the process then grew by gigabytes over a benchmark and each run cost more
/// CPU per message than the one before, C and Swift alike. On one topic the broker drops old
/// data beyond ~5 MiB per partition, so its memory stays flat from run to run.
struct SharedProduceTopic {
    let name: String
    private let bootstrap: String
    private let partitions: Int
    /// Whether the broker's high watermarks count messages (see ``Bench/watermarksCountMessages``).
    private let verified: Bool

    /// Creates the topic, `name` (made unique), with `partitions` (by default the benchmark's).
    init(_ bench: Bench, name: String, partitions: Int? = nil) async throws {
        self.name = bench.unusedTopicName(name)
        self.bootstrap = bench.bootstrap
        self.partitions = partitions ?? bench.partitions
        self.verified = bench.watermarksCountMessages
        try await bench.createTopic(self.name, partitions: self.partitions)
    }

    /// Runs `body` with the topic's name, records the process CPU it took, and checks that
    /// the broker received exactly `expected` messages meanwhile, where the watermarks tell
    /// (``Bench/watermarksCountMessages``).
    func run(expecting expected: Int, _ body: (String) async throws -> Sample) async throws -> Sample {
        let before = self.verified ? try self.appendedMessages() : 0
        let cpuBefore = processCPUSeconds()
        var sample = try await body(self.name)
        sample.cpuSeconds = processCPUSeconds() - cpuBefore
        guard self.verified else { return sample }
        let appended = try self.appendedMessages() - before
        guard appended == expected else {
            throw BenchmarkFailure("a run appended \(appended) messages to \(self.name), expected \(expected)")
        }
        return sample
    }

    private func appendedMessages() throws(BenchmarkFailure) -> Int {
        try CLoops.appendedMessages(bootstrap: self.bootstrap, topic: self.name, partitions: self.partitions)
    }
}
