/// How a client talks to the brokers (`security.protocol`).
public struct KafkaSecurityProtocol: RawRepresentable, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// librdkafka's value of `security.protocol`.
    public let rawValue: String

    /// The value as librdkafka spells it.
    public var description: String { self.rawValue }

    /// Wraps a value as librdkafka spells it, for one this type does not name yet.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Unencrypted and unauthenticated (librdkafka's default).
    public static let plaintext = KafkaSecurityProtocol(rawValue: "plaintext")
    /// TLS-encrypted; the client may authenticate with a certificate (see ``KafkaTLSConfiguration``).
    public static let ssl = KafkaSecurityProtocol(rawValue: "ssl")
    /// SASL authentication over an unencrypted connection (see ``KafkaSASLConfiguration``).
    public static let saslPlaintext = KafkaSecurityProtocol(rawValue: "sasl_plaintext")
    /// SASL authentication over TLS.
    public static let saslSSL = KafkaSecurityProtocol(rawValue: "sasl_ssl")

    /// The values this version of AsyncKafka names; librdkafka may accept more.
    public static let allCases: [KafkaSecurityProtocol] = [.plaintext, .ssl, .saslPlaintext, .saslSSL]

    /// Whether the protocol authenticates with SASL.
    public var usesSASL: Bool { self == .saslPlaintext || self == .saslSSL }

    /// Whether the protocol encrypts with TLS.
    public var usesTLS: Bool { self == .ssl || self == .saslSSL }
}

extension KafkaClientConfiguration {
    /// How the client talks to the brokers (`security.protocol`, default ``KafkaSecurityProtocol/plaintext``).
    ///
    /// ``configureSecurity(sasl:tls:)`` sets it for you from what you configure.
    public var securityProtocol: KafkaSecurityProtocol {
        get { self.properties["security.protocol"].flatMap { KafkaSecurityProtocol(rawValue: $0.lowercased()) } ?? .plaintext }
        set { self.properties["security.protocol"] = newValue.rawValue }
    }

    /// Configures TLS and SASL in one go, choosing the matching ``securityProtocol``:
    /// neither is plaintext, TLS alone is `ssl`, SASL alone is `sasl_plaintext`, both are `sasl_ssl`.
    ///
    /// ```swift
    /// var config = KafkaConsumerConfiguration(bootstrapServers: "broker:9093", groupID: "billing")
    /// config.configureSecurity(
    ///     sasl: .scramSHA512(username: "billing", password: secret),
    ///     tls: KafkaTLSConfiguration(caLocation: "/etc/kafka/ca.pem")
    /// )
    /// ```
    ///
    /// The entries are validated when the client is created: missing credentials or
    /// certificate files that do not exist throw ``KafkaError/Code/invalidConfiguration``
    /// naming the key.
    public mutating func configureSecurity(sasl: KafkaSASLConfiguration? = nil, tls: KafkaTLSConfiguration? = nil) {
        switch (sasl != nil, tls != nil) {
        case (false, false): self.securityProtocol = .plaintext
        case (false, true): self.securityProtocol = .ssl
        case (true, false): self.securityProtocol = .saslPlaintext
        case (true, true): self.securityProtocol = .saslSSL
        }
        for (key, value) in (sasl?.properties ?? [:]).merging(tls?.properties ?? [:], uniquingKeysWith: { $1 }) {
            self.properties[key] = value
        }
    }
}
