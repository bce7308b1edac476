/// A librdkafka debug context: a family of detailed log lines that librdkafka emits when
/// the context is on (the `debug` property).
///
/// ```swift
/// var configuration = KafkaConsumerConfiguration(bootstrapServers: servers, groupID: "orders")
/// configuration.debugContexts = [.consumerGroup, .fetch]
/// var logger = Logger(label: "orders")
/// logger.logLevel = .debug   // debug lines arrive at `.debug`: a stricter logger drops them
/// let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
/// ```
///
/// Debug lines reach the client's `Logger` at level `.debug`, with the metadata
/// `kafka.facility` and `kafka.client`. Turning a context on makes librdkafka produce its
/// lines whatever the logger's level, which costs CPU on busy clients: turn contexts on
/// while investigating, not permanently. Unknown contexts are rejected when the client
/// is created (``KafkaError/Code/invalidConfiguration``); any context name of the running
/// librdkafka can be written as a string literal.
public struct KafkaDebugContext: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// librdkafka's name of the context, such as `cgrp`.
    public let rawValue: String

    /// A context by librdkafka's name.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// A context by librdkafka's name, written as a string literal.
    public init(stringLiteral value: String) {
        self.rawValue = value
    }

    /// librdkafka's name of the context.
    public var description: String { self.rawValue }

    /// General client events (`generic`).
    public static let generic: Self = "generic"
    /// Broker connections and their state (`broker`).
    public static let broker: Self = "broker"
    /// Topic and partition state (`topic`).
    public static let topic: Self = "topic"
    /// Metadata requests and changes (`metadata`).
    public static let metadata: Self = "metadata"
    /// Protocol features and API versions (`feature`).
    public static let feature: Self = "feature"
    /// Internal queues (`queue`).
    public static let queue: Self = "queue"
    /// Individual messages (`msg`): very verbose.
    public static let message: Self = "msg"
    /// Protocol requests and responses (`protocol`).
    public static let `protocol`: Self = "protocol"
    /// Consumer group membership, rebalances and commits (`cgrp`).
    public static let consumerGroup: Self = "cgrp"
    /// Authentication and TLS (`security`).
    public static let security: Self = "security"
    /// Fetch requests (`fetch`).
    public static let fetch: Self = "fetch"
    /// The consumer (`consumer`).
    public static let consumer: Self = "consumer"
    /// The admin client (`admin`).
    public static let admin: Self = "admin"
    /// Idempotence and transactions (`eos`).
    public static let exactlyOnce: Self = "eos"
    /// Partition assignors (`assignor`).
    public static let assignor: Self = "assignor"
    /// The configuration (`conf`); secret values are shown as `[redacted]` by librdkafka.
    public static let configuration: Self = "conf"
    /// Every context (`all`): extremely verbose.
    public static let all: Self = "all"
}
