/// SASL authentication of a client: the mechanism and its credentials.
///
/// ```swift
/// config.configureSecurity(sasl: .plain(username: "app", password: secret), tls: KafkaTLSConfiguration())
/// ```
///
/// For ``Mechanism/oauthBearer`` set a token provider on the client configuration
/// (`oauthBearerTokenProvider`); librdkafka asks it for a token before the first
/// connection and again before each token expires. The password never appears in
/// descriptions, logs or errors.
public struct KafkaSASLConfiguration: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    /// A SASL mechanism (`sasl.mechanisms`).
    public struct Mechanism: RawRepresentable, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// librdkafka's value of `sasl.mechanisms`.
        public let rawValue: String

        /// The value as librdkafka spells it.
        public var description: String { self.rawValue }

        /// Wraps a value as librdkafka spells it, for one this type does not name yet.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// User name and password, sent as they are: use it over TLS only.
        public static let plain = Mechanism(rawValue: "PLAIN")
        /// Salted challenge-response with SHA-256.
        public static let scramSHA256 = Mechanism(rawValue: "SCRAM-SHA-256")
        /// Salted challenge-response with SHA-512.
        public static let scramSHA512 = Mechanism(rawValue: "SCRAM-SHA-512")
        /// OAuth 2 bearer tokens, from a token provider.
        public static let oauthBearer = Mechanism(rawValue: "OAUTHBEARER")

        /// The values this version of AsyncKafka names; librdkafka may accept more.
        public static let allCases: [Mechanism] = [.plain, .scramSHA256, .scramSHA512, .oauthBearer]

        /// Whether the mechanism authenticates with a user name and password.
        public var usesPassword: Bool { self != .oauthBearer }

        /// The mechanisms the running librdkafka was built with (from its `builtin.features`:
        /// `sasl_plain`, `sasl_scram`, `sasl_oauthbearer`).
        public static var builtIn: [Mechanism] {
            let features = Librdkafka.builtinFeatures()
            return Self.allCases.filter { mechanism in
                switch mechanism {
                case .plain: features.contains("sasl_plain")
                case .scramSHA256, .scramSHA512: features.contains("sasl_scram")
                case .oauthBearer: features.contains("sasl_oauthbearer")
                default: false
                }
            }
        }
    }

    /// The mechanism (`sasl.mechanisms`).
    public var mechanism: Mechanism
    /// The user name (`sasl.username`), for PLAIN and SCRAM.
    public var username: String?
    /// The password (`sasl.password`), for PLAIN and SCRAM. Secret.
    public var password: String?

    /// Creates SASL settings.
    public init(mechanism: Mechanism, username: String? = nil, password: String? = nil) {
        self.mechanism = mechanism
        self.username = username
        self.password = password
    }

    /// PLAIN with a user name and password.
    public static func plain(username: String, password: String) -> Self {
        Self(mechanism: .plain, username: username, password: password)
    }

    /// SCRAM-SHA-256 with a user name and password.
    public static func scramSHA256(username: String, password: String) -> Self {
        Self(mechanism: .scramSHA256, username: username, password: password)
    }

    /// SCRAM-SHA-512 with a user name and password.
    public static func scramSHA512(username: String, password: String) -> Self {
        Self(mechanism: .scramSHA512, username: username, password: password)
    }

    /// OAUTHBEARER; the tokens come from the configuration's `oauthBearerTokenProvider`.
    public static var oauthBearer: Self {
        Self(mechanism: .oauthBearer)
    }

    /// The librdkafka properties these settings stand for.
    public var properties: [String: String] {
        var properties = ["sasl.mechanisms": self.mechanism.rawValue]
        properties["sasl.username"] = self.username
        properties["sasl.password"] = self.password
        return properties
    }

    /// The settings with the password redacted.
    public var description: String {
        "KafkaSASLConfiguration(\(ConfigurationSecrets.redacted(self.properties)))"
    }

    /// A mirror without the password, for `dump` and debuggers.
    public var customMirror: Mirror {
        Mirror(self, children: ["properties": ConfigurationSecrets.redacted(self.properties)], displayStyle: .struct)
    }
}
