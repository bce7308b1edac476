/// The configuration of a ``KafkaProducer``.
///
/// ```swift
/// var config = KafkaProducerConfiguration(bootstrapServers: "localhost:29092")
/// config.linger = .milliseconds(5)
/// config.properties["compression.type"] = "lz4"   // any librdkafka property
/// ```
public struct KafkaProducerConfiguration: KafkaClientConfiguration {
    /// The librdkafka properties of the producer; see ``KafkaClientConfiguration/properties``.
    public var properties: [String: String]

    /// Creates a configuration.
    ///
    /// - Parameters:
    ///   - bootstrapServers: Comma-separated `host:port` list of initial brokers.
    ///   - acks: How many replicas must acknowledge a message.
    ///   - properties: Further librdkafka properties; they win over the arguments above.
    public init(
        bootstrapServers: String,
        acks: Acks = .all,
        properties: [String: String] = [:]
    ) {
        let base = ["bootstrap.servers": bootstrapServers, "acks": acks.rawValue]
        self.properties = base.merging(properties) { _, explicit in explicit }
    }

    /// How many replicas must acknowledge a message before it counts as delivered (`acks`).
    public var acks: Acks {
        get { self.properties["acks"].flatMap(Acks.init(rawValue:)) ?? .all }
        set { self.properties["acks"] = newValue.rawValue }
    }

    /// How long to wait for more messages before sending a batch (`linger.ms`).
    public var linger: Duration? {
        get { self.milliseconds("linger.ms") }
        set { self.setMilliseconds("linger.ms", newValue) }
    }

    /// How long librdkafka keeps trying to deliver a message before it reports a failure (`message.timeout.ms`).
    public var messageTimeout: Duration? {
        get { self.milliseconds("message.timeout.ms") }
        set { self.setMilliseconds("message.timeout.ms", newValue) }
    }

    /// Whether the producer is idempotent: no duplicates, order kept, `acks=all` (`enable.idempotence`).
    public var enableIdempotence: Bool {
        get { self.flag("enable.idempotence") ?? false }
        set { self.properties["enable.idempotence"] = String(newValue) }
    }

    /// The largest message the producer accepts, in bytes (`message.max.bytes`).
    public var messageMaxBytes: Int? {
        get { self.properties["message.max.bytes"].flatMap { Int($0) } }
        set { self.properties["message.max.bytes"] = newValue.map { String($0) } }
    }
}

/// How many replicas must acknowledge a produced message (`acks`).
public enum Acks: String, Sendable, Hashable, CaseIterable {
    /// Do not wait for any acknowledgement.
    case none = "0"
    /// Wait for the partition leader only.
    case leader = "1"
    /// Wait for all in-sync replicas (the default, and the safe choice).
    case all = "all"
}
