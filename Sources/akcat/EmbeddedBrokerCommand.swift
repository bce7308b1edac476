import ArgumentParser
import AsyncKafkaTesting

/// `akcat embedded-broker`: runs an in-process Kafka cluster for other tools to connect to.
struct EmbeddedBrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embedded-broker",
        abstract: "Run an embedded Kafka cluster (librdkafka's mock cluster) until Ctrl-C or SIGTERM.",
        discussion: """
            The first line of stdout is the cluster's bootstrap address (host:port,...), \
            for other tools' bootstrap.servers. Topics are also created on first use, \
            with 4 partitions. The cluster keeps messages in memory only.
            """
    )

    @Option(help: "How many brokers to run.")
    var brokers = 1

    @Option(
        name: .customLong("topic"),
        help: ArgumentHelp("A topic to create, with its partition count (default 4) (repeatable).", valueName: "name[:partitions]")
    )
    var topics: [String] = []

    func validate() throws {
        guard (1...EmbeddedKafkaCluster.maximumBrokerCount).contains(self.brokers) else {
            throw ValidationError("--brokers must be 1...\(EmbeddedKafkaCluster.maximumBrokerCount).")
        }
        _ = try self.parsedTopics()
    }

    /// The `--topic` options as names and partition counts.
    func parsedTopics() throws(ValidationError) -> [(name: String, partitions: Int)] {
        try self.topics.map { (topic) throws(ValidationError) -> (name: String, partitions: Int) in
            let parts = topic.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard !parts[0].isEmpty else { throw ValidationError("Malformed --topic \(topic): the name is empty.") }
            guard parts.count == 2 else { return (String(parts[0]), 4) }
            guard let partitions = Int(parts[1]), partitions >= 1 else {
                throw ValidationError("Malformed --topic \(topic): expected name:partitions with partitions ≥ 1.")
            }
            return (String(parts[0]), partitions)
        }
    }

    func run() async throws {
        // Installed first: a signal sent as soon as the address is printed must not kill the process.
        let waitForSignal = TerminationSignals.waiter()
        let cluster = try EmbeddedKafkaCluster(brokers: self.brokers)
        for topic in try self.parsedTopics() {
            try cluster.createTopic(topic.name, partitions: topic.partitions)
        }
        StandardStreams.writeLine(cluster.bootstrapServers)
        StandardStreams.flushOutput()
        StandardStreams.writeError(
            "akcat: embedded cluster of \(self.brokers) broker(s) at \(cluster.bootstrapServers); Ctrl-C to stop"
        )
        await waitForSignal()
        cluster.stop()
    }
}
