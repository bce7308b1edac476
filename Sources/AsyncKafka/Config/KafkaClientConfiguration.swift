/// What every AsyncKafka client configuration has in common.
///
/// Everything librdkafka is told is a dictionary of librdkafka properties
/// (``properties``); the typed Swift properties read and write entries of that
/// dictionary. There is one source of truth: setting
/// `properties["client.id"]` and setting ``clientID`` are the same thing.
/// Every librdkafka property is reachable through ``properties`` (see
/// librdkafka's `CONFIGURATION.md`); keys and values are validated by the
/// running librdkafka when the client is created, and a bad one throws a
/// ``KafkaError`` with code ``KafkaError/Code/invalidConfiguration`` that
/// names the key.
public protocol KafkaClientConfiguration: Sendable, CustomStringConvertible, CustomReflectable {
    /// The librdkafka properties of the client, keyed by librdkafka's names.
    var properties: [String: String] { get set }
}

extension KafkaClientConfiguration {
    /// The initial brokers to contact, as a comma-separated `host:port` list (`bootstrap.servers`).
    public var bootstrapServers: String {
        get { self.properties["bootstrap.servers"] ?? "" }
        set { self.properties["bootstrap.servers"] = newValue }
    }

    /// An identifier for the client in broker logs and metrics (`client.id`).
    public var clientID: String? {
        get { self.properties["client.id"] }
        set { self.properties["client.id"] = newValue }
    }

    /// librdkafka debug contexts, such as `[.broker, .consumerGroup]` (`debug`); none by default.
    ///
    /// Their lines reach the client's `Logger` at level `.debug` (a logger at `.info` or
    /// stricter drops them); see ``KafkaDebugContext``.
    public var debugContexts: [KafkaDebugContext] {
        get {
            self.properties["debug"].map { $0.split(separator: ",").map { KafkaDebugContext(rawValue: String($0)) } } ?? []
        }
        set { self.properties["debug"] = newValue.isEmpty ? nil : newValue.map(\.rawValue).joined(separator: ",") }
    }

    /// How often librdkafka takes a ``KafkaStatistics`` snapshot (`statistics.interval.ms`);
    /// `nil` (the default) takes none.
    ///
    /// Read the snapshots from the client's `statistics` stream, or report them as metrics
    /// with ``KafkaStatisticsMetrics``. A few seconds is typical; librdkafka counts in whole
    /// milliseconds.
    public var statisticsInterval: Duration? {
        get { self.milliseconds("statistics.interval.ms").flatMap { $0 == .zero ? nil : $0 } }
        set { self.setMilliseconds("statistics.interval.ms", newValue) }
    }

    /// A textual form of the configuration with every secret redacted.
    public var description: String {
        "\(Self.self)(\(self.redactedProperties))"
    }

    /// The properties as `key=value` pairs, sorted, with every secret value redacted.
    var redactedProperties: String {
        self.properties.keys.sorted().map { key in
            "\(key)=\(ConfigurationSecrets.isSecret(key) ? ConfigurationSecrets.redacted : self.properties[key]!)"
        }.joined(separator: ", ")
    }

    /// Reads a property holding milliseconds as a `Duration`.
    func milliseconds(_ key: String) -> Duration? {
        self.properties[key].flatMap(Int64.init).map { .milliseconds($0) }
    }

    /// Writes a `Duration` as whole milliseconds, or removes the property for `nil`.
    mutating func setMilliseconds(_ key: String, _ value: Duration?) {
        self.properties[key] = value.map { String($0.wholeMilliseconds) }
    }

    /// Reads a `true`/`false` property.
    func flag(_ key: String) -> Bool? {
        self.properties[key].map { $0 == "true" }
    }
}

extension Duration {
    /// The duration in whole milliseconds, rounded down.
    var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

/// The configuration keys whose values must never be shown.
enum ConfigurationSecrets {
    static let redacted = "<redacted>"

    /// Whether the value of `key` is a secret (passwords, private keys, tokens).
    static func isSecret(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return lowered.contains("password") || lowered.contains("secret")
            || lowered.hasPrefix("ssl.key.") || lowered == "ssl.keystore.password"
            || lowered.hasPrefix("sasl.oauthbearer.config") || lowered.contains("token")
    }
}
