/// The configuration of a ``KafkaConsumer``.
///
/// ```swift
/// var config = KafkaConsumerConfiguration(
///     bootstrapServers: "localhost:29092",
///     groupID: "myGroup",
///     autoOffsetReset: .earliest
/// )
/// config.properties["fetch.wait.max.ms"] = "10"   // any librdkafka property
/// ```
///
/// Where ``properties`` leaves them unset, the consumer bounds librdkafka's prefetch:
/// `queued.min.messages` 50,000 (librdkafka: 100,000) and `fetch.max.bytes` 4 MiB
/// (librdkafka: 50 MB; left to librdkafka when `message.max.bytes`,
/// `queued.max.messages.kbytes` or `fetch.message.max.bytes` is set). These are applied
/// when the consumer is created and do not appear in ``properties``.
public struct KafkaConsumerConfiguration: KafkaClientConfiguration {
    /// The librdkafka properties of the consumer; see ``KafkaClientConfiguration/properties``.
    public var properties: [String: String]

    /// Fetches OAUTHBEARER tokens when the client authenticates with SASL OAUTHBEARER
    /// (see ``KafkaSASLConfiguration/oauthBearer`` and ``KafkaOAuthBearerTokenProvider``).
    public var oauthBearerTokenProvider: KafkaOAuthBearerTokenProvider?

    /// The most messages the consumer hands from librdkafka to the message stream at once
    /// (in Java's client, `max.poll.records`).
    ///
    /// Larger batches cost fewer hand-offs; the default, 1,024, already makes
    /// the hand-off negligible.
    public var maxMessagesPerBatch: Int = 1024

    /// Whether the consumer stores each message's offset once your loop has consumed it,
    /// that is, asked for the next one. Default `true`.
    ///
    /// AsyncKafka stores offsets itself, when your loop has consumed a message, not when
    /// librdkafka hands it to the stream's buffer; so messages still waiting in the buffer
    /// when the consumer closes are not committed. librdkafka's own automatic store
    /// (`enable.auto.offset.store`) is therefore always off. Turn this off to decide
    /// yourself: then only offsets you pass to ``KafkaConsumer/store(_:)-(KafkaMessage)``
    /// or ``KafkaConsumer/commit(_:)-(KafkaMessage)`` are committed. A
    /// `enable.auto.offset.store=false` in ``properties`` (as `-X` options give it) turns it
    /// off too.
    public var enableAutoOffsetStore = true

    /// How many batches may wait in the message stream before the consumer
    /// stops taking messages from librdkafka (back-pressure).
    ///
    /// Together with ``maxMessagesPerBatch`` this bounds what the stream buffers:
    /// at most `maxMessagesPerBatch × maxBufferedBatches` messages (8,192 by default),
    /// on top of librdkafka's own prefetch queue (`queued.max.messages.kbytes`).
    public var maxBufferedBatches: Int = 8

    /// How long closing may take — the final commit and LeaveGroup need the
    /// group coordinator — before the consumer is destroyed without them, so
    /// that a close never hangs on an unreachable cluster. Default 30 seconds.
    public var closeTimeout: Duration = .seconds(30)

    /// Whether the message loop ends, throwing ``KafkaError/Code/unknownTopicOrPartition``, when a
    /// subscribed topic does not exist. Default `false`: the error is reported on
    /// ``KafkaConsumer/errors`` and the consumer waits for the topic to appear.
    /// See <doc:ConsumingMessages#Errors>.
    public var failOnMissingTopic = false

    /// How long all brokers may stay unreachable before the message loop ends, throwing
    /// ``KafkaError/Code/timedOut`` (librdkafka code `_ALL_BROKERS_DOWN`). Default `nil`: the
    /// consumer keeps trying, and reports each failure on ``KafkaConsumer/errors``.
    /// See <doc:ConsumingMessages#Errors>.
    public var failAfterBrokersDown: Duration?

    /// Creates a configuration.
    ///
    /// - Parameters:
    ///   - bootstrapServers: Comma-separated `host:port` list of initial brokers.
    ///   - groupID: The consumer group to join; required for ``KafkaConsumer/subscribe(to:)``.
    ///   - autoOffsetReset: Where to start when the group has no committed offset.
    ///   - properties: Further librdkafka properties; they win over the arguments above.
    public init(
        bootstrapServers: String,
        groupID: String? = nil,
        autoOffsetReset: KafkaAutoOffsetReset = .latest,
        properties: [String: String] = [:]
    ) {
        var base: [String: String] = ["bootstrap.servers": bootstrapServers]
        base["group.id"] = groupID
        base["auto.offset.reset"] = autoOffsetReset.rawValue
        self.properties = base.merging(properties) { _, explicit in explicit }
    }

    /// The consumer group (`group.id`).
    public var groupID: String? {
        get { self.properties["group.id"] }
        set { self.properties["group.id"] = newValue }
    }

    /// Where to start reading when there is no committed offset, or it is out of range (`auto.offset.reset`).
    public var autoOffsetReset: KafkaAutoOffsetReset {
        get { self.properties["auto.offset.reset"].flatMap(KafkaAutoOffsetReset.init(rawValue:)) ?? .latest }
        set { self.properties["auto.offset.reset"] = newValue.rawValue }
    }

    /// Whether stored offsets are committed periodically and on close (`enable.auto.commit`, default `true`).
    public var enableAutoCommit: Bool {
        get { self.flag("enable.auto.commit") ?? true }
        set { self.properties["enable.auto.commit"] = String(newValue) }
    }

    /// How often stored offsets are committed when ``enableAutoCommit`` is on (`auto.commit.interval.ms`).
    public var autoCommitInterval: Duration? {
        get { self.milliseconds("auto.commit.interval.ms") }
        set { self.setMilliseconds("auto.commit.interval.ms", newValue) }
    }

    /// The group session timeout (`session.timeout.ms`).
    public var sessionTimeout: Duration? {
        get { self.milliseconds("session.timeout.ms") }
        set { self.setMilliseconds("session.timeout.ms", newValue) }
    }

    /// How long the broker may hold a fetch request that has no data yet (`fetch.wait.max.ms`, default 500 ms).
    public var fetchWaitMax: Duration? {
        get { self.milliseconds("fetch.wait.max.ms") }
        set { self.setMilliseconds("fetch.wait.max.ms", newValue) }
    }
}

extension KafkaConsumerConfiguration {
    /// A textual form with every secret redacted.
    public var description: String {
        "KafkaConsumerConfiguration(maxMessagesPerBatch: \(self.maxMessagesPerBatch), maxBufferedBatches: \(self.maxBufferedBatches), "
            + "closeTimeout: \(self.closeTimeout), enableAutoOffsetStore: \(self.enableAutoOffsetStore), failOnMissingTopic: \(self.failOnMissingTopic), "
            + "failAfterBrokersDown: \(self.failAfterBrokersDown.map { "\($0)" } ?? "nil"), "
            + "properties: \(self.redactedProperties))"
    }
}
