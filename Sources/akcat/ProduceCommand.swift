import ArgumentParser
import AsyncKafka

/// `akcat produce`: sends lines from stdin (or `--message` values) to a topic.
struct ProduceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce",
        abstract: "Send messages to a topic: one per line of stdin, or the --message values.",
        discussion: """
            Every message is acknowledged by the broker before akcat exits; if any \
            message could not be delivered, akcat reports it and exits with status 1.
            """
    )

    @OptionGroup var client: ClientOptions

    @Option(name: .shortAndLong, help: "The topic to write to.")
    var topic: String

    @Option(name: .shortAndLong, help: "A message value to send instead of reading stdin (repeatable).")
    var message: [String] = []

    @Option(name: .shortAndLong, help: "The key of every message.")
    var key: String?

    @Option(
        name: .customLong("key-delimiter"),
        help: "Split each line at the first occurrence of this text into key and value."
    )
    var keyDelimiter: String?

    @Option(
        name: .customLong("header"),
        help: ArgumentHelp("A header to add to every message (repeatable).", valueName: "name=value")
    )
    var headers: [String] = []

    @Option(name: .shortAndLong, help: "The partition to write to (default: chosen by the partitioner).")
    var partition: Int?

    @Option(help: "The most lines read ahead of their acknowledgement.")
    var window = 10_000

    func validate() throws {
        guard !self.topic.isEmpty else { throw ValidationError("The topic name must not be empty.") }
        if let partition = self.partition, partition < 0 {
            throw ValidationError("--partition must be 0 or more.")
        }
        if self.key != nil && self.keyDelimiter != nil {
            throw ValidationError("--key and --key-delimiter cannot be combined.")
        }
        if let delimiter = self.keyDelimiter, delimiter.isEmpty {
            throw ValidationError("--key-delimiter must not be empty.")
        }
        guard self.window > 0 else { throw ValidationError("--window must be at least 1.") }
        _ = try self.parsedHeaders()
    }

    /// The `--header name=value` options as headers.
    func parsedHeaders() throws(ValidationError) -> [KafkaHeader] {
        try self.headers.map { (header) throws(ValidationError) -> KafkaHeader in
            guard let equals = header.firstIndex(of: "="), equals != header.startIndex else {
                throw ValidationError("Malformed --header \(header): expected name=value.")
            }
            return KafkaHeader(name: String(header[..<equals]), value: String(header[header.index(after: equals)...]))
        }
    }

    /// The message for one input line.
    func makeMessage(_ line: String, headers: [KafkaHeader]) -> KafkaProducerMessage {
        var key = self.key
        var value = line
        if let delimiter = self.keyDelimiter, let range = line.range(of: delimiter) {
            key = String(line[..<range.lowerBound])
            value = String(line[range.upperBound...])
        }
        return KafkaProducerMessage(topic: self.topic, partition: self.partition, key: key, value: value, headers: headers)
    }

    func run() async throws {
        var configuration = KafkaProducerConfiguration(bootstrapServers: try self.client.resolvedBootstrapServers())
        configuration.properties.merge(try self.client.librdkafkaProperties()) { _, explicit in explicit }
        let producer = try KafkaProducer(configuration: configuration, logger: self.client.logger(label: "akcat.produce"))
        let headers = try self.parsedHeaders()
        var outcome = Outcome()
        if self.message.isEmpty {
            let input = LineBatches(limit: self.window)
            while let lines = await input.next() {
                await outcome.send(lines.map { self.makeMessage($0, headers: headers) }, with: producer)
            }
        } else {
            await outcome.send(self.message.map { self.makeMessage($0, headers: headers) }, with: producer)
        }
        await producer.close()
        if let firstError = outcome.firstError {
            throw RuntimeFailure(
                description: "\(outcome.failed) of \(outcome.sent) message(s) were not delivered; first error: \(firstError)"
            )
        }
    }

    /// What became of the messages sent.
    struct Outcome {
        var sent = 0
        var failed = 0
        var firstError: KafkaError?

        /// Sends `messages` in order and waits for their acknowledgements.
        mutating func send(_ messages: [KafkaProducerMessage], with producer: KafkaProducer) async {
            self.sent += messages.count
            for case .failure(let error) in await producer.send(contentsOf: messages) {
                self.failed += 1
                if self.firstError == nil { self.firstError = error }
            }
        }
    }
}
