/// What ``KafkaAdminClient/describeConfigs(_:timeout:)`` describes.
public enum KafkaConfigResource: Sendable, Hashable {
    /// A topic's configuration.
    case topic(String)
    /// A broker's configuration, by broker id.
    case broker(Int)
}
