/// One configuration entry of a topic or broker.
public struct KafkaConfigEntry: Sendable, Hashable {
    /// The key, such as `retention.ms`.
    public var name: String
    /// The value; `nil` when it is sensitive (a password) or unset.
    public var value: String?
    /// Whether the value is the default.
    public var isDefault: Bool
    /// Whether the value cannot be changed.
    public var isReadOnly: Bool
    /// Whether the value is secret (and therefore not returned).
    public var isSensitive: Bool
    /// Where the value comes from, as librdkafka names it: `DEFAULT_CONFIG`, `DYNAMIC_TOPIC_CONFIG`,
    /// `STATIC_BROKER_CONFIG`, …
    public var source: String
}
