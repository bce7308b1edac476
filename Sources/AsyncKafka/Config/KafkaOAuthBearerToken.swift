/// An OAUTHBEARER token handed to librdkafka by a ``KafkaOAuthBearerTokenProvider``.
public struct KafkaOAuthBearerToken: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    /// The token itself, such as a JWT. Secret.
    public var value: String
    /// When the token expires; librdkafka asks for a new one at about 80 % of its lifetime.
    public var expiresAt: KafkaTimestamp
    /// The Kafka principal the token stands for.
    public var principal: String
    /// SASL extensions sent with the token (RFC 7628): keys of letters only, not `auth`.
    public var extensions: [String: String]

    /// Creates a token.
    public init(value: String, expiresAt: KafkaTimestamp, principal: String, extensions: [String: String] = [:]) {
        self.value = value
        self.expiresAt = expiresAt
        self.principal = principal
        self.extensions = extensions
    }

    /// The principal and expiry; never the token.
    public var description: String {
        "KafkaOAuthBearerToken(principal: \(self.principal), expiresAt: \(self.expiresAt.millisecondsSince1970) ms, value: \(ConfigurationSecrets.redacted))"
    }

    /// A mirror without the token, for `dump` and debuggers.
    public var customMirror: Mirror {
        Mirror(self, children: ["principal": self.principal, "expiresAt": self.expiresAt], displayStyle: .struct)
    }
}

/// Fetches an OAUTHBEARER token when librdkafka needs one: before the first connection and
/// before the current token expires.
///
/// It gets the value of `sasl.oauthbearer.config` and runs as a Swift task of its own, so it
/// may `await` (an HTTP call to the identity provider, say) without holding up librdkafka.
/// A thrown error is reported to librdkafka as a failed refresh (logged, retried about every
/// ten seconds); connections wait until a token arrives.
public typealias KafkaOAuthBearerTokenProvider = @Sendable (_ oauthBearerConfig: String) async throws -> KafkaOAuthBearerToken
