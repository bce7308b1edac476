/// The configuration of a ``KafkaProducer``.
///
/// ```swift
/// var config = KafkaProducerConfiguration(bootstrapServers: "localhost:29092")
/// config.enableIdempotence = true     // no duplicates, order kept per partition
/// config.compression = .lz4
/// config.linger = .milliseconds(5)
/// config.properties["queue.buffering.max.messages"] = "500000"   // any librdkafka property
/// ```
///
/// ## Defaults
///
/// AsyncKafka starts from librdkafka's defaults, which favour durability:
/// `acks=all` (every in-sync replica must have the message), retries until
/// `message.timeout.ms` (5 minutes) has passed, `linger.ms=5`, no compression,
/// the `consistent_random` partitioner. Two choices are worth making on
/// purpose:
///
/// - ``enableIdempotence``: turn it on unless you have a reason not to. Retries
///   then never duplicate or reorder messages within a partition; librdkafka
///   forces `acks=all` and at most 5 requests in flight per connection.
/// - ``partitioner``: pick ``KafkaPartitioner/murmur2Random`` when Java
///   producers write the same keys, so that both place a key alike.
///
/// Setting ``transactionalID`` makes the producer transactional (and
/// idempotent); see ``KafkaProducer/initTransactions(timeout:)``.
public struct KafkaProducerConfiguration: KafkaClientConfiguration {
    /// The librdkafka properties of the producer; see ``KafkaClientConfiguration/properties``.
    public var properties: [String: String]

    /// Fetches OAUTHBEARER tokens when the client authenticates with SASL OAUTHBEARER
    /// (see ``KafkaSASLConfiguration/oauthBearer`` and ``KafkaOAuthBearerTokenProvider``).
    public var oauthBearerTokenProvider: KafkaOAuthBearerTokenProvider?

    /// Whether ``KafkaProducer/send(_:queueTimeout:)``, ``KafkaProducer/enqueue(_:queueTimeout:)``
    /// and ``KafkaProducer/send(contentsOf:queueTimeout:)`` write the task's current trace
    /// context into each message's headers (default `true`; see <doc:Observability#Tracing>).
    /// Turn it off when consumers must not see those headers, or to save their bytes;
    /// ``KafkaProducerMessage/injectTraceContext(_:using:)`` still injects on request.
    public var injectsTraceContext = true

    /// Creates a configuration.
    ///
    /// - Parameters:
    ///   - bootstrapServers: Comma-separated `host:port` list of initial brokers.
    ///   - acks: How many replicas must acknowledge a message.
    ///   - properties: Further librdkafka properties; they win over the arguments above.
    public init(
        bootstrapServers: String,
        acks: KafkaAcks = .all,
        properties: [String: String] = [:]
    ) {
        let base = ["bootstrap.servers": bootstrapServers, "acks": acks.rawValue]
        self.properties = base.merging(properties) { _, explicit in explicit }
    }

    /// How many replicas must acknowledge a message before it counts as delivered (`acks`, default ``KafkaAcks/all``).
    public var acks: KafkaAcks {
        get { self.properties["acks"].flatMap(KafkaAcks.init(rawValue:)) ?? .all }
        set { self.properties["acks"] = newValue.rawValue }
    }

    /// How long to wait for more messages before sending a batch (`linger.ms`, librdkafka's default 5 ms).
    public var linger: Duration? {
        get { self.milliseconds("linger.ms") }
        set { self.setMilliseconds("linger.ms", newValue) }
    }

    /// How long librdkafka keeps trying to deliver a message before it reports a failure
    /// (`message.timeout.ms`, default 300 s).
    public var messageTimeout: Duration? {
        get { self.milliseconds("message.timeout.ms") }
        set { self.setMilliseconds("message.timeout.ms", newValue) }
    }

    /// Whether the producer is idempotent: retries never duplicate or reorder messages within a
    /// partition (`enable.idempotence`, default `false`).
    ///
    /// librdkafka then forces `acks=all`, unlimited retries (bounded by ``messageTimeout``) and
    /// at most 5 requests in flight per connection; creating the producer fails with
    /// ``KafkaError/Code/invalidConfiguration`` when you set an incompatible value, such as
    /// ``KafkaAcks/leader``. Recommended for every producer that can afford `acks=all`.
    public var enableIdempotence: Bool {
        get { self.flag("enable.idempotence") ?? false }
        set { self.properties["enable.idempotence"] = String(newValue) }
    }

    /// The largest message the producer accepts, in bytes (`message.max.bytes`, default 1,000,000).
    ///
    /// A larger message is refused when it is sent, with ``KafkaError/Code/messageTooLarge``;
    /// nothing else in the queue is affected. The broker's topic setting `max.message.bytes`
    /// must allow it too.
    public var messageMaxBytes: Int? {
        get { self.properties["message.max.bytes"].flatMap { Int($0) } }
        set { self.properties["message.max.bytes"] = newValue.map { String($0) } }
    }

    /// How batches are compressed (`compression.type`, default ``KafkaCompression/none``).
    public var compression: KafkaCompression {
        get { self.properties["compression.type"].flatMap(KafkaCompression.init(rawValue:)) ?? .none }
        set { self.properties["compression.type"] = newValue.rawValue }
    }

    /// How the partition of a message without an explicit partition is chosen
    /// (`partitioner`, default ``KafkaPartitioner/consistentRandom``).
    public var partitioner: KafkaPartitioner {
        get { self.properties["partitioner"].flatMap(KafkaPartitioner.init(rawValue:)) ?? .consistentRandom }
        set { self.properties["partitioner"] = newValue.rawValue }
    }

    /// The most bytes in one batch (message set), framing included (`batch.size`, default 1,000,000).
    public var batchSize: Int? {
        get { self.properties["batch.size"].flatMap { Int($0) } }
        set { self.properties["batch.size"] = newValue.map { String($0) } }
    }

    /// The most messages in one batch (message set) (`batch.num.messages`, default 10,000).
    public var batchNumMessages: Int? {
        get { self.properties["batch.num.messages"].flatMap { Int($0) } }
        set { self.properties["batch.num.messages"] = newValue.map { String($0) } }
    }

    /// The producer's transactional id (`transactional.id`); setting one makes the producer
    /// transactional and idempotent.
    ///
    /// The id identifies the producer across restarts: a new producer with the same id
    /// fences off the old one. Call ``KafkaProducer/initTransactions(timeout:)`` once before
    /// the first transaction.
    public var transactionalID: String? {
        get { self.properties["transactional.id"] }
        set { self.properties["transactional.id"] = newValue }
    }

    /// How long the transaction coordinator waits for a transaction to finish before it aborts it
    /// (`transaction.timeout.ms`, default 60 s). Also the default timeout of the transaction calls.
    public var transactionTimeout: Duration? {
        get { self.milliseconds("transaction.timeout.ms") }
        set { self.setMilliseconds("transaction.timeout.ms", newValue) }
    }
}
