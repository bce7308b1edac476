/// The configuration of a ``KafkaAdminClient``.
///
/// ```swift
/// let admin = try KafkaAdminClient(configuration: .init(bootstrapServers: "localhost:29092"))
/// ```
public struct KafkaAdminConfiguration: KafkaClientConfiguration {
    /// The librdkafka properties of the client; see ``KafkaClientConfiguration/properties``.
    public var properties: [String: String]

    /// Fetches OAUTHBEARER tokens when the client authenticates with SASL OAUTHBEARER
    /// (see ``KafkaSASLConfiguration/oauthBearer`` and ``KafkaOAuthBearerTokenProvider``).
    public var oauthBearerTokenProvider: KafkaOAuthBearerTokenProvider?

    /// Creates a configuration.
    ///
    /// - Parameters:
    ///   - bootstrapServers: Comma-separated `host:port` list of initial brokers.
    ///   - properties: Further librdkafka properties (security settings, `client.id`, …);
    ///     they win over `bootstrapServers`.
    public init(bootstrapServers: String, properties: [String: String] = [:]) {
        self.properties = ["bootstrap.servers": bootstrapServers].merging(properties) { _, explicit in explicit }
    }
}
