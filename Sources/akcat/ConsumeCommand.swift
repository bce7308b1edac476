import ArgumentParser
import AsyncKafka

/// `akcat consume`: prints a topic's messages, as a group member or from chosen partitions and offsets.
struct ConsumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consume",
        abstract: "Print the messages of a topic, from a consumer group or from partitions and offsets.",
        discussion: """
            With --group, akcat joins the group, reads from its committed offsets and commits \
            every message it printed, the last one included, when it stops. Without it, akcat \
            reads --partition (all partitions by default) from --offset. It stops after --count \
            messages, or on Ctrl-C/SIGTERM. When stdout is a terminal, a progress line is shown \
            on stderr.
            """
    )

    @OptionGroup var client: ClientOptions

    @Option(name: .shortAndLong, help: "The topic to read.")
    var topic: String

    @Option(name: .shortAndLong, help: "The consumer group to join (partitions are then assigned by the group).")
    var group: String?

    @Option(name: .shortAndLong, help: "A partition to read, without a group (repeatable; default: all).")
    var partition: [Int] = []

    @Option(name: .shortAndLong, help: "Where to start without a group: beginning, end, stored or an offset.")
    var offset: StartOffset?

    @Flag(help: "Start from the oldest message (with a group: when it has no committed offset).")
    var fromBeginning = false

    @Option(name: .shortAndLong, help: "Stop after this many messages.")
    var count: Int?

    @Option(name: .shortAndLong, help: "Output format: plain (the value) or json (one object per line).")
    var format: OutputFormat = .plain

    @Option(
        name: .customLong("key-delimiter"),
        help: "In plain format, print the key and this text before the value."
    )
    var keyDelimiter: String?

    func validate() throws {
        guard !self.topic.isEmpty else { throw ValidationError("The topic name must not be empty.") }
        if self.group != nil {
            guard self.partition.isEmpty else { throw ValidationError("--partition cannot be used with --group.") }
            guard self.offset == nil else {
                throw ValidationError("--offset cannot be used with --group (use --from-beginning).")
            }
        }
        guard self.partition.allSatisfy({ $0 >= 0 }) else { throw ValidationError("--partition must be 0 or more.") }
        if self.offset != nil && self.fromBeginning {
            throw ValidationError("--offset and --from-beginning cannot be combined.")
        }
        if let count = self.count, count < 1 { throw ValidationError("--count must be at least 1.") }
    }

    func run() async throws {
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: try self.client.resolvedBootstrapServers(),
            groupID: self.group,
            autoOffsetReset: self.fromBeginning ? .earliest : .latest
        )
        configuration.fetchWaitMax = .milliseconds(100)
        // Only what was printed counts as consumed: akcat stores each message's offset once it is
        // printed, and the close commits what is stored (auto-commit stays on, also for partitions
        // a rebalance takes away). Stored automatically, a message would count only once the loop
        // asked for the next one, so the last one printed before --count would be read again.
        configuration.enableAutoOffsetStore = false
        configuration.properties.merge(try self.client.librdkafkaProperties()) { _, explicit in explicit }
        let consumer = try KafkaConsumer(configuration: configuration, logger: self.client.logger(label: "akcat.consume"))
        do {
            if self.group != nil {
                try await consumer.subscribe(to: [self.topic])
            } else {
                try await consumer.assign(try await self.startPartitions())
            }
        } catch {
            await consumer.close()
            throw error
        }
        // With a group (--group, or group.id given with -X), what is printed is committed.
        let commits = configuration.groupID != nil
        let consuming = Task { try await self.printMessages(of: consumer, committing: commits) }
        let signals = TerminationSignals { consuming.cancel() }
        let result = await consuming.result
        signals.cancel()
        await consumer.close()
        StandardStreams.flushOutput()
        try result.get()
    }

    /// The partitions to assign, with their start offsets.
    func startPartitions() async throws -> [KafkaTopicPartition] {
        let start: KafkaOffset = self.fromBeginning ? .beginning : (self.offset?.offset ?? .end)
        var partitions = self.partition
        if partitions.isEmpty {
            let admin = try self.client.adminClient()
            let metadata: KafkaClusterMetadata
            do {
                metadata = try await admin.metadata()
            } catch {
                await admin.close()
                throw error
            }
            await admin.close()
            guard let topic = metadata.topic(self.topic), topic.error == nil, !topic.partitions.isEmpty else {
                throw RuntimeFailure(description: "topic \(self.topic) not found")
            }
            partitions = topic.partitions.map(\.id)
        }
        return partitions.map { KafkaTopicPartition(topic: self.topic, partition: $0, offset: start) }
    }

    /// Prints messages until `--count` is reached or the task is cancelled; with `committing`,
    /// stores each printed message's offset and commits them when `--count` is reached.
    func printMessages(of consumer: KafkaConsumer, committing: Bool) async throws {
        var progress = ProgressLine(enabled: StandardStreams.outputIsTerminal)
        var printed = 0
        for try await message in consumer.messages {
            progress.erase()
            StandardStreams.writeLine(MessageFormatter.line(for: message, format: self.format, keySeparator: self.keyDelimiter))
            printed += 1
            if committing { try Self.store(message, in: consumer) }
            if let count = self.count, printed >= count {
                // Commit before ending the loop, which closes the consumer: a failure is reported.
                if committing { try await consumer.commit() }
                break
            }
            progress.update(count: printed)
        }
        progress.erase()
    }
}

extension ConsumeCommand {
    /// Stores a printed message's offset, for the next commit.
    static func store(_ message: KafkaMessage, in consumer: KafkaConsumer) throws(KafkaError) {
        do {
            try consumer.store(message)
        } catch  where error.code == .partitionNotAssigned {
            // A rebalance moved the partition to another member, which reads the message again.
        }
    }
}

/// A start offset given on the command line: `beginning`, `end`, `stored` or an absolute offset.
struct StartOffset: ExpressibleByArgument {
    /// The offset to assign.
    let offset: KafkaOffset

    init?(argument: String) {
        switch argument {
        case "beginning": self.offset = .beginning
        case "end": self.offset = .end
        case "stored": self.offset = .stored
        default:
            guard let value = Int64(argument), value >= 0 else { return nil }
            self.offset = .offset(value)
        }
    }
}
