import AsyncKafka
import AsyncKafkaTesting

/// The topic of a fault test, on the test's own embedded cluster: numbered messages are sent to
/// its partitions (number `n` to partition `n % partitions`) and read back from them. Its
/// stopwatch times the whole scenario, for the reliability row.
struct FaultTopic: Sendable {
    let cluster: EmbeddedKafkaCluster
    let name: String
    let partitions: Int
    let stopwatch = Stopwatch()

    /// A cluster of `brokers` brokers with a new topic named after `prefix`.
    init(_ prefix: String, partitions: Int = 4, brokers: Int = 1) throws {
        self.cluster = try EmbeddedKafkaCluster(brokers: brokers)
        self.name = Unique.name(prefix)
        self.partitions = partitions
        try self.cluster.createTopic(self.name, partitions: partitions)
    }

    /// Moves the leadership of every partition to the broker `broker(partition)`.
    func setLeaders(_ broker: (Int) -> Int32) throws {
        for partition in 0..<self.partitions {
            try self.cluster.setPartitionLeader(topic: self.name, partition: partition, broker: broker(partition))
        }
    }

    /// ``NumberedMessages/produce(_:to:partitions:with:chunk:)`` to this topic.
    @discardableResult
    func produce(_ numbers: [Int], with producer: KafkaProducer, chunk: Int = 500) async throws -> [Int: KafkaDeliveryReport] {
        try await NumberedMessages.produce(numbers, to: self.name, partitions: self.partitions, with: producer, chunk: chunk)
    }

    /// Sends the numbers `0..<total` with a producer that is closed before this returns.
    func fill(total: Int) async throws {
        let producer = try KafkaProducer(configuration: self.cluster.producerConfiguration())
        try await self.produce(Array(0..<total), with: producer)
        await producer.close()
    }

    /// Every partition, starting at `offset`.
    func all(at offset: KafkaOffset) -> [KafkaTopicPartition] {
        NumberedMessages.partitions(of: self.name, count: self.partitions, offset: offset)
    }

    /// ``NumberedMessages/reader(_:partitions:cluster:into:deadline:)`` of this topic.
    func reader(into tally: NumberTally) async throws -> (KafkaConsumer, Task<Void, any Error>) {
        try await NumberedMessages.reader(self.name, partitions: self.partitions, cluster: self.cluster, into: tally)
    }

    /// ``NumberedMessages/logSize(of:partitions:cluster:)`` of this topic.
    func logSize() async throws -> Int64 {
        try await NumberedMessages.logSize(of: self.name, partitions: self.partitions, cluster: self.cluster)
    }

    /// ``NumberedMessages/readBack(_:partitions:expected:cluster:deadline:)`` of this topic.
    func readBack(expected: Int) async throws -> NumberTally {
        try await NumberedMessages.readBack(self.name, partitions: self.partitions, expected: expected, cluster: self.cluster)
    }

    /// Emits the test's row of the "Faults" table: `figures`, then the scenario's milliseconds.
    func emit(_ scenario: String, figures: [(key: String, value: String)], asserted: String) {
        ReliabilityRecord(
            section: "Faults", scenario: scenario, figureList: figures + [("ms", "\(self.stopwatch.milliseconds)")], asserted: asserted
        ).emit()
    }
}

extension NumberTally {
    /// The figures every fault row starts with: produced, consumed (`consumed`, or every read), lost, duplicates.
    func figures(produced: Int, consumed: Int? = nil) -> [(key: String, value: String)] {
        [
            ("produced", "\(produced)"), ("consumed", "\(consumed ?? self.reads)"), ("lost", "\(self.lost)"),
            ("duplicates", "\(self.duplicates)"),
        ]
    }
}
