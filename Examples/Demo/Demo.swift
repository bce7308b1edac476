import ArgumentParser
import AsyncKafka
import AsyncKafkaTesting

/// A producer and a consumer-group consumer exchanging messages in one process,
/// on an embedded Kafka broker (the default) or on a real cluster.
///
///     swift run Demo                                      # embedded broker
///     swift run Demo --bootstrap-servers localhost:29092  # real Kafka
///     swift run Demo -X debug=cgrp                        # any librdkafka property, both clients
@main
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "Demo",
        abstract: "Produce and consume messages concurrently, and check that every message arrives.",
        discussion: """
            Without --bootstrap-servers, starts an embedded Kafka broker in the process \
            and creates the topic. Exits with status 0 only when every message arrived.
            """
    )

    @Option(help: "Use this Kafka cluster (host:port,...) instead of an embedded broker.")
    var bootstrapServers: String?

    @Option(help: "The topic to use.")
    var topic = "myTopic"

    @Option(help: "The topic's partition count (embedded broker only).")
    var partitions = 3

    @Option(help: "How many messages to send.")
    var count = 20

    @Option(help: "Give up after this many seconds.")
    var timeout = 60

    @Option(
        name: .customShort("X"),
        help: ArgumentHelp(
            "A librdkafka property for the producer and the consumer, such as -X session.timeout.ms=10000 (repeatable).",
            valueName: "key=value"
        )
    )
    var properties: [LibrdkafkaProperty] = []

    func validate() throws {
        guard self.count >= 1 else { throw ValidationError("--count must be at least 1") }
        guard self.partitions >= 1 else { throw ValidationError("--partitions must be at least 1") }
        guard self.timeout >= 1 else { throw ValidationError("--timeout must be at least 1 second") }
    }

    func run() async throws {
        let start = ContinuousClock.now

        // The broker: an embedded one unless a real cluster was given.
        let cluster: EmbeddedKafkaCluster?
        let servers: String
        if let bootstrapServers = self.bootstrapServers {
            cluster = nil
            servers = bootstrapServers
        } else {
            let embedded = try EmbeddedKafkaCluster()
            try embedded.createTopic(self.topic, partitions: self.partitions)
            cluster = embedded
            servers = embedded.bootstrapServers
        }
        defer { cluster?.stop() }

        // Messages carry this run's id in a header, so that messages left in the
        // topic by earlier runs (on a real cluster) are told apart.
        let run = Exchange(
            servers: servers,
            topic: self.topic,
            count: self.count,
            runID: String(UInt64.random(in: 0...UInt64.max), radix: 16),
            embedded: cluster != nil,
            timeout: .seconds(self.timeout),
            properties: self.properties
        )

        // Producer, consumer and a timer, concurrently.
        var sent = 0
        var tally = Tally()
        var timedOut = false
        try await withThrowingTaskGroup(of: Outcome.self) { group in
            group.addTask { .sent(try await run.produce()) }
            group.addTask { .received(try await run.consume()) }
            group.addTask {
                do { try await Task.sleep(for: run.timeout) } catch { return .cancelled }
                return .timedOut
            }
            var finished = 0
            while finished < 2, let outcome = try await group.next() {
                switch outcome {
                case .sent(let count):
                    sent = count
                    finished += 1
                case .received(let result):
                    tally = result
                    finished += 1
                case .timedOut:
                    timedOut = true
                    group.cancelAll()
                case .cancelled: break
                }
            }
            group.cancelAll()
        }

        let elapsed = (ContinuousClock.now - start) / .milliseconds(100)
        let broker = cluster.map { "embedded (\($0.bootstrapServers))" } ?? servers
        var summary = "sent \(sent), received \(tally.keys.count), duplicates \(tally.duplicates)"
        if tally.skipped > 0 { summary += ", skipped \(tally.skipped) older messages" }
        print("\(summary), elapsed \(elapsed.rounded() / 10) s, broker: \(broker)")

        let missing = self.count - tally.keys.count
        if timedOut {
            throw DemoError("timed out after \(self.timeout) s: \(missing) of \(self.count) messages did not arrive")
        }
        guard missing == 0 else {
            throw DemoError("\(missing) of \(self.count) messages did not arrive")
        }
    }
}

/// One producer–consumer exchange.
struct Exchange: Sendable {
    let servers: String
    let topic: String
    let count: Int
    let runID: String
    let embedded: Bool
    let timeout: Duration
    /// The `-X` properties, set on both clients after everything else.
    let properties: [LibrdkafkaProperty]

    /// Sends `count` messages one after the other, waiting for each delivery report.
    /// Returns how many were delivered (fewer if the task was cancelled).
    func produce() async throws -> Int {
        var configuration = KafkaProducerConfiguration(bootstrapServers: self.servers)
        configuration.messageTimeout = self.timeout
        for property in self.properties { configuration.properties[property.key] = property.value }
        let producer = try KafkaProducer(configuration: configuration)
        var sent = 0
        do {
            // Cancelled (by the timeout)? Close at once: a send still waiting for its
            // acknowledgement then fails (purged) instead of waiting on.
            try await withTaskCancellationHandler {
                while sent < self.count, !Task.isCancelled {
                    let (key, value) = ("key-\(sent)", "message \(sent)")
                    let report = try await producer.send(
                        KafkaProducerMessage(
                            topic: self.topic,
                            key: key,
                            value: value,
                            headers: [KafkaHeader(name: "demo-run", value: self.runID)]
                        )
                    )
                    print("sent \(report.topic)[\(report.partition)]@\(report.offset) \(key): \(value)")
                    sent += 1
                }
            } onCancel: {
                Task { await producer.close(timeout: .zero) }
            }
        } catch {
            await producer.close()
            if Task.isCancelled { return sent }  // the caller reports the timeout
            throw error
        }
        await producer.close()
        return sent
    }

    /// Reads the topic in a new consumer group until every message of this run arrived
    /// (or the task is cancelled).
    func consume() async throws -> Tally {
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: self.servers,
            groupID: "demo-\(self.runID)",  // a new group: start from the earliest offset
            autoOffsetReset: .earliest
        )
        if self.embedded {
            configuration.fetchWaitMax = .milliseconds(10)  // answer empty fetches quickly
            // The embedded broker answers a rejoin after about session.timeout.ms - 1 s, and
            // librdkafka sometimes rejoins right after its first join: 5 s, not 44 s.
            configuration.sessionTimeout = .seconds(6)
        }
        for property in self.properties { configuration.properties[property.key] = property.value }
        let consumer = try KafkaConsumer(configuration: configuration)
        var tally = Tally()
        do {
            try await consumer.subscribe(to: [self.topic])
            for try await message in consumer.messages {
                guard message.header("demo-run") == Array(self.runID.utf8),
                    let key = message.keyString, let value = message.valueString
                else {
                    tally.skipped += 1
                    continue
                }
                print("received \(message.topic)[\(message.partition)]@\(message.offset) \(key): \(value)")
                tally.record(key)
                if tally.keys.count == self.count { break }  // ends the iteration: the consumer closes
            }
        } catch {
            await consumer.close()
            throw error
        }
        await consumer.close()
        return tally
    }
}

/// What the consumer saw.
struct Tally: Sendable {
    var keys: Set<String> = []
    var total = 0
    var skipped = 0
    var duplicates: Int { self.total - self.keys.count }

    mutating func record(_ key: String) {
        self.keys.insert(key)
        self.total += 1
    }
}

enum Outcome: Sendable {
    case sent(Int)
    case received(Tally)
    case timedOut
    case cancelled
}

struct DemoError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
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
