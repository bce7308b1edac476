import ArgumentParser
import AsyncKafka
import AsyncKafkaTesting
import Dispatch
import Hummingbird
import Logging
import ServiceLifecycle

/// A Hummingbird 2 service that publishes HTTP request bodies to Kafka and counts what it
/// consumes back, on an embedded Kafka broker (the default) or on a real cluster.
///
///     swift run HTTPService                                    # embedded broker, port 8080
///     swift run HTTPService --bootstrap-servers localhost:29092 --topics events,orders
///
/// One `ServiceGroup` runs the consumer, the counter that reads its messages, the producer
/// and the HTTP server; SIGINT or SIGTERM shuts them down gracefully in reverse order: the
/// server stops taking requests, the producer delivers what it holds, the counter's loop
/// ends, and the consumer commits and leaves its group.
@main
struct HTTPService: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "HTTPService",
        abstract: "Publish HTTP request bodies to Kafka and count the messages consumed per topic.",
        discussion: """
            POST /events/{topic} sends the request body and answers 201 with the partition and offset \
            once the broker has acknowledged it (503 when it did not, 400 for a bad topic name); \
            GET /stats counts the messages consumed per topic; GET /health answers 200; \
            POST /echo/{topic} answers like /events/{topic} without Kafka (the load script's ceiling). \
            Without --bootstrap-servers, starts an embedded Kafka broker in the process and creates the topics.
            """
    )

    @Option(help: "Use this Kafka cluster (host:port,...) instead of an embedded broker.")
    var bootstrapServers: String?

    @Option(help: "Comma-separated topics to consume and count (created on the embedded broker).")
    var topics = "events"

    @Option(help: "The consumer group id.")
    var group = "HTTPService"

    @Option(help: "The address to listen on.")
    var hostname = "127.0.0.1"

    @Option(help: "The port to listen on (0: any free port; the log says which).")
    var port = 8080

    @Option(help: "How long, in seconds, a POST /events waits for the broker's acknowledgement before it fails with 503.")
    var deliveryTimeout = 10

    @Option(help: "The log level (trace, debug, info, notice, warning, error, critical).")
    var logLevel: Logger.Level = .info

    @Option(
        name: .customShort("X"),
        help: ArgumentHelp(
            "A librdkafka property for the producer and the consumer, such as -X linger.ms=0 (repeatable).",
            valueName: "key=value"
        )
    )
    var properties: [LibrdkafkaProperty] = []

    /// The topics of `--topics`, without blanks or duplicates.
    var topicList: [String] {
        var seen = Set<String>()
        return self.topics.split(separator: ",")
            .map { $0.trimmingSpaces }
            .filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    func validate() throws {
        guard !self.topicList.isEmpty else { throw ValidationError("--topics names no topic") }
        for topic in self.topicList where !KafkaTopicName.isValid(topic) {
            throw ValidationError("--topics: \"\(topic)\" is not a legal Kafka topic name")
        }
        guard (0...65535).contains(self.port) else { throw ValidationError("--port must be 0...65535") }
        guard self.deliveryTimeout >= 1 else { throw ValidationError("--delivery-timeout must be at least 1 second") }
    }

    func run() async throws {
        var logger = Logger(label: "HTTPService")
        logger.logLevel = self.logLevel
        let topics = self.topicList

        // The broker: an embedded one unless a real cluster was given. Starting and stopping
        // it blocks for a moment, so it happens off Swift's cooperative pool.
        let cluster: EmbeddedKafkaCluster?
        let servers: String
        if let bootstrapServers = self.bootstrapServers {
            cluster = nil
            servers = bootstrapServers
        } else {
            let embedded = try await offPool { () throws(EmbeddedKafkaError) in
                let embedded = try EmbeddedKafkaCluster()
                for topic in topics { try embedded.createTopic(topic, partitions: 3) }
                return embedded
            }
            cluster = embedded
            servers = embedded.bootstrapServers
        }
        // Only the addresses: -X values may hold secrets.
        logger.info(
            "Kafka",
            metadata: ["bootstrap.servers": "\(servers)", "embedded": "\(cluster != nil)", "topics": "\(topics)"]
        )

        var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: servers)
        producerConfiguration.messageTimeout = .seconds(self.deliveryTimeout)
        var consumerConfiguration = KafkaConsumerConfiguration(
            bootstrapServers: servers,
            groupID: self.group,
            autoOffsetReset: .earliest
        )
        if cluster != nil {
            // The embedded broker answers a rejoin after about session.timeout.ms - 1 s.
            consumerConfiguration.sessionTimeout = .seconds(6)
        }
        for property in self.properties {
            producerConfiguration.properties[property.key] = property.value
            consumerConfiguration.properties[property.key] = property.value
        }

        let producer = try KafkaProducer(configuration: producerConfiguration, logger: logger)
        let consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: logger)
        try await consumer.subscribe(to: topics)
        let counts = TopicCounts(topics: topics)

        let hostname = self.hostname
        let app = Application(
            router: Routes.router(producer: producer, counts: counts),
            configuration: ApplicationConfiguration(address: .hostname(hostname, port: self.port), serverName: "HTTPService"),
            onServerRunning: { [logger] channel in
                // The scripts read the port from this line (with --port 0 it is chosen by the system).
                let port = channel.localAddress?.port.map(String.init) ?? "?"
                logger.notice("listening on http://\(hostname):\(port)")
            },
            logger: logger
        )

        // A ServiceGroup shuts its services down in reverse order: the server first (no new
        // sends), then the producer (delivers what it holds), then the counter, then the consumer.
        let services = ServiceGroup(
            services: [consumer, EventCounter(consumer: consumer, counts: counts), producer, app],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        let result: Result<Void, any Error>
        do {
            try await services.run()
            result = .success(())
        } catch {
            result = .failure(error)
        }
        if let cluster { await offPool { cluster.stop() } }
        logger.notice("stopped")
        try result.get()
    }
}

/// Runs `body` on a Dispatch thread and waits for it: for calls that block, which must
/// not run on Swift's cooperative thread pool.
func offPool<T: Sendable, Failure: Error>(_ body: @escaping @Sendable () throws(Failure) -> T) async throws(Failure) -> T {
    let result: Result<T, Failure> = await withCheckedContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(returning: Result { () throws(Failure) in try body() })
        }
    }
    return try result.get()
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

extension Logger.Level: @retroactive ExpressibleByArgument {}

extension Substring {
    /// The substring without leading and trailing spaces, as a `String`.
    var trimmingSpaces: String {
        String(self.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
