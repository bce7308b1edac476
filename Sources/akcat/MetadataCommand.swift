import ArgumentParser
import AsyncKafka

/// `akcat metadata`: lists the cluster's brokers, topics and partitions.
struct MetadataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metadata",
        abstract: "List the cluster's brokers, topics and partitions."
    )

    @OptionGroup var client: ClientOptions

    @Option(name: .shortAndLong, help: "Show only this topic (exit status 1 when it does not exist).")
    var topic: String?

    @Option(help: "Output format: plain or json (one JSON object).")
    var format: OutputFormat = .plain

    @Option(help: "Seconds to wait for a broker to answer.")
    var timeout = 10

    func validate() throws {
        guard self.timeout > 0 else { throw ValidationError("--timeout must be at least 1 second.") }
    }

    func run() async throws {
        let admin = try self.client.adminClient()
        var metadata: KafkaClusterMetadata
        do {
            metadata = try await admin.metadata(timeout: .seconds(self.timeout))
        } catch {
            await admin.close()
            throw error
        }
        await admin.close()
        if let topic = self.topic {
            guard let found = metadata.topic(topic), found.error == nil else {
                throw RuntimeFailure(description: "topic \(topic) not found")
            }
            metadata.topics = [found]
        }
        metadata.topics.sort { $0.name < $1.name }
        switch self.format {
        case .plain: MetadataFormatter.plain(metadata).forEach { StandardStreams.writeLine($0) }
        case .json: StandardStreams.writeLine(MetadataFormatter.json(metadata))
        }
    }
}

/// Formats cluster metadata.
enum MetadataFormatter {
    /// kcat-style text lines.
    static func plain(_ metadata: KafkaClusterMetadata) -> [String] {
        var lines = ["\(metadata.brokers.count) broker(s):"]
        for broker in metadata.brokers.sorted(by: { $0.id < $1.id }) {
            lines.append("  broker \(broker.id) at \(broker.host):\(broker.port)")
        }
        lines.append("\(metadata.topics.count) topic(s):")
        for topic in metadata.topics {
            let error = topic.error.map { " error: \($0.name)" } ?? ""
            lines.append("  topic \"\(topic.name)\" with \(topic.partitions.count) partition(s):\(error)")
            for partition in topic.partitions {
                let leader = partition.leader.map(String.init) ?? "none"
                lines.append(
                    "    partition \(partition.id), leader \(leader), replicas: "
                        + "\(partition.replicas.map(String.init).joined(separator: ",")), isrs: "
                        + partition.inSyncReplicas.map(String.init).joined(separator: ",")
                )
            }
        }
        return lines
    }

    /// One JSON object: `{"brokers": [{"id","host","port"}], "topics": [{"name","partitions": [{"id","leader","replicas","isrs"}]}]}`.
    static func json(_ metadata: KafkaClusterMetadata) -> String {
        let brokers = metadata.brokers.sorted(by: { $0.id < $1.id }).map { broker in
            "{\"id\":\(broker.id),\"host\":\(JSONText.string(broker.host)),\"port\":\(broker.port)}"
        }
        let topics = metadata.topics.map { topic in
            let partitions = topic.partitions.map { partition in
                "{\"id\":\(partition.id),\"leader\":\(partition.leader.map(String.init) ?? "null"),"
                    + "\"replicas\":\(JSONText.array(partition.replicas)),\"isrs\":\(JSONText.array(partition.inSyncReplicas))}"
            }
            let error = topic.error.map { ",\"error\":\(JSONText.string($0.name))" } ?? ""
            return "{\"name\":\(JSONText.string(topic.name)),\"partitions\":[\(partitions.joined(separator: ","))]\(error)}"
        }
        return "{\"brokers\":[\(brokers.joined(separator: ","))],\"topics\":[\(topics.joined(separator: ","))]}"
    }
}
