import ArgumentParser
import AsyncKafka

/// Sends a few messages and prints where each one was stored.
///
///     swift run ProducerExample --count 3 --message hello --key user-1 \
///         --header source=example --header trace=42 --acks all --idempotent
///
/// `-X key=value` sets any librdkafka property; one librdkafka refuses ends the run with
/// a ``KafkaError`` naming it.
@main
struct ProducerExample: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ProducerExample",
        abstract: "Send messages to a Kafka topic and print each delivery report."
    )

    @Option(help: "Comma-separated host:port list of brokers.")
    var bootstrapServers = "localhost:29092"

    @Option(help: "The topic to send to.")
    var topic = "myTopic"

    @Option(help: "How many messages to send.")
    var count = 10

    @Option(help: "The value prefix: values are \"<message> 0\", \"<message> 1\", ...")
    var message = "message"

    @Option(help: "The key of every message (none by default); messages with one key go to one partition.")
    var key: String?

    @Option(name: .customLong("header"), help: "A header as name=value; repeat for several.")
    var headers: [String] = []

    @Option(help: "Acknowledgements to wait for: all (default), 1 (leader only) or 0 (none).")
    var acks = "all"

    @Flag(help: "Make the producer idempotent: no duplicates or reordering on retries (needs --acks all).")
    var idempotent = false

    @Option(
        name: .customShort("X"),
        help: ArgumentHelp(
            "A librdkafka property, such as -X linger.ms=50 (repeatable); it overrides the options above.",
            valueName: "key=value"
        )
    )
    var properties: [LibrdkafkaProperty] = []

    func run() async throws {
        var configuration = KafkaProducerConfiguration(bootstrapServers: self.bootstrapServers)
        configuration.acks = try self.parsedAcks()
        configuration.enableIdempotence = self.idempotent
        configuration.messageTimeout = .seconds(10)  // fail fast when no broker answers
        for property in self.properties { configuration.properties[property.key] = property.value }
        let headers = try self.parsedHeaders()
        let producer = try KafkaProducer(configuration: configuration)

        do {
            for n in 0..<self.count {
                let message = KafkaProducerMessage(
                    topic: self.topic,
                    key: self.key,
                    value: "\(self.message) \(n)",
                    headers: headers
                )
                // send(_:) returns once the broker has acknowledged the message.
                let report = try await producer.send(message)
                print("delivered \(report.topic)[\(report.partition)]@\(report.offset)")
            }
        } catch {
            await producer.close()
            throw error  // ArgumentParser prints it to stderr and exits with status 1
        }
        await producer.close()
    }

    private func parsedAcks() throws -> KafkaAcks {
        switch self.acks.lowercased() {
        case "all", "-1": return .all
        case "1", "leader": return .leader
        case "0", "none": return .none
        default: throw ValidationError("--acks must be all, 1 or 0, not \(self.acks)")
        }
    }

    private func parsedHeaders() throws -> [KafkaHeader] {
        try self.headers.map { text in
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                throw ValidationError("--header must be name=value, not \(text)")
            }
            return KafkaHeader(name: String(text[..<equals]), value: String(text[text.index(after: equals)...]))
        }
    }
}

/// A librdkafka property given as `-X key=value`.
struct LibrdkafkaProperty: ExpressibleByArgument, Sendable {
    let key: String
    let value: String

    init?(argument: String) {
        guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else { return nil }
        self.key = String(argument[..<equals])
        self.value = String(argument[argument.index(after: equals)...])
    }
}
