import ArgumentParser
import AsyncKafka

/// Sends a few messages and prints where each one was stored.
///
///     swift run ProducerExample --count 3 --message hello
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

    @Option(help: "The key of every message (none by default).")
    var key: String?

    func run() async throws {
        var configuration = KafkaProducerConfiguration(bootstrapServers: self.bootstrapServers)
        configuration.messageTimeout = .seconds(10)  // fail fast when no broker answers
        let producer = try KafkaProducer(configuration: configuration)

        do {
            for n in 0..<self.count {
                let message = KafkaProducerMessage(topic: self.topic, key: self.key, value: "\(self.message) \(n)")
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
}
