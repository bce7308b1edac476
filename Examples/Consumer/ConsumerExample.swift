import ArgumentParser
import AsyncKafka
import Dispatch

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#endif

/// The classic consumer loop: join a group, read a topic from the beginning,
/// print every message; Ctrl-C closes the consumer cleanly.
///
///     swift run ConsumerExample --group myGroup --topic myTopic
///
/// `-X key=value` sets any librdkafka property (say `-X session.timeout.ms=10000` for a
/// broker that holds the first join for half the session timeout); one librdkafka refuses
/// ends the run with a ``KafkaError`` naming it.
@main
struct ConsumerExample: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ConsumerExample",
        abstract: "Consume a Kafka topic as part of a consumer group and print every message."
    )

    @Option(help: "Comma-separated host:port list of brokers.")
    var bootstrapServers = "localhost:29092"

    @Option(help: "The consumer group id.")
    var group = "myGroup"

    @Option(help: "The topic to consume.")
    var topic = "myTopic"

    @Option(help: "Stop after this many messages (default: run until Ctrl-C).")
    var count: Int?

    @Option(
        name: .customShort("X"),
        help: ArgumentHelp(
            "A librdkafka property, such as -X session.timeout.ms=10000 (repeatable); it overrides the options above.",
            valueName: "key=value"
        )
    )
    var properties: [LibrdkafkaProperty] = []

    func run() async throws {
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: self.bootstrapServers,
            groupID: self.group,
            autoOffsetReset: .earliest
        )
        for property in self.properties { configuration.properties[property.key] = property.value }
        let consumer = try KafkaConsumer(configuration: configuration)
        try await consumer.subscribe(to: [self.topic])

        let count = self.count
        let consuming = Task {
            var received = 0
            // Ending this loop — normally, by `break`, by an error or by cancelling
            // the task — closes the consumer and commits what was received.
            for try await message in consumer.messages {
                let value = message.value.map { message.valueString ?? "<\($0.count) bytes>" } ?? "<tombstone>"
                print("\(message.topic)[\(message.partition)]@\(message.offset): \(value)")
                received += 1
                if let count, received >= count { break }
            }
        }

        // On Ctrl-C or SIGTERM, cancel the loop instead of dying on the spot.
        let signalSources = [SIGINT, SIGTERM].map { signalNumber in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { consuming.cancel() }
            source.resume()
            return source
        }

        let result = await consuming.result
        await consumer.close()  // waits until the consumer has left its group
        for source in signalSources { source.cancel() }
        print("consumer closed")
        try result.get()  // an error is printed to stderr, with exit status 1
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
