import CRdKafka

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks of the security settings at creation, before librdkafka sees them, so that a
/// misconfiguration names its key instead of failing later at connection time (or hanging).
enum KafkaSecurityValidation {
    /// The files librdkafka reads when TLS is on.
    static let fileKeys = ["ssl.ca.location", "ssl.certificate.location", "ssl.key.location", "ssl.keystore.location", "ssl.crl.location"]

    /// Throws ``KafkaError/Code/invalidConfiguration`` naming the key at fault.
    static func validate(_ properties: [String: String]) throws(KafkaError) {
        let securityProtocol = properties["security.protocol"].map { $0.lowercased() } ?? "plaintext"
        let usesSASL = securityProtocol.hasPrefix("sasl_")
        let usesTLS = securityProtocol == "ssl" || securityProtocol == "sasl_ssl"
        let mechanismKey = properties["sasl.mechanisms"] != nil ? "sasl.mechanisms" : "sasl.mechanism"
        let mechanism = properties[mechanismKey]?.uppercased()
        if let mechanism, !usesSASL {
            throw KafkaError(
                code: .invalidConfiguration,
                message: "\(mechanismKey)=\(mechanism) is set but security.protocol is \(securityProtocol): "
                    + "SASL would not be used; use sasl_plaintext or sasl_ssl",
                configurationKey: "security.protocol"
            )
        }
        if usesSASL, let mechanism, !["GSSAPI", "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER"].contains(mechanism) {
            throw KafkaError(
                code: .invalidConfiguration,
                message: "unknown SASL mechanism \(mechanism): use GSSAPI, PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER",
                configurationKey: mechanismKey
            )
        }
        if usesSASL, let mechanism, ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"].contains(mechanism) {
            for key in ["sasl.username", "sasl.password"] where (properties[key] ?? "").isEmpty {
                throw KafkaError(
                    code: .invalidConfiguration,
                    message: "SASL \(mechanism) needs a non-empty \(key)",
                    configurationKey: key
                )
            }
        }
        guard usesTLS else { return }
        for key in Self.fileKeys {
            guard let path = properties[key], !path.isEmpty, !(key == "ssl.ca.location" && path == "probe") else { continue }
            guard access(path, R_OK) == 0 else {
                throw KafkaError(
                    code: .invalidConfiguration,
                    message: "\(key): cannot read \"\(path)\" (\(String(cString: strerror(errno))))",
                    configurationKey: key
                )
            }
        }
    }

    /// Throws when OAUTHBEARER has no way to get a token, or a token provider is set for another
    /// mechanism. Reads the settings from `conf`, before the client is created.
    static func validateOAuthBearer(_ conf: OpaquePointer, hasProvider: Bool) throws(KafkaError) {
        func value(_ key: String) -> String? {
            var text = [CChar](repeating: 0, count: 256)
            var size = text.count
            guard rd_kafka_conf_get(conf, key, &text, &size) == RD_KAFKA_CONF_OK else { return nil }
            return String(cBuffer: text)
        }
        let properties = [
            "enable.sasl.oauthbearer.unsecure.jwt": value("enable.sasl.oauthbearer.unsecure.jwt"),
            "sasl.oauthbearer.method": value("sasl.oauthbearer.method"),
        ].compactMapValues { $0 }
        let mechanism = value("sasl.mechanisms")?.uppercased()
        let usesSASL = value("security.protocol")?.lowercased().hasPrefix("sasl_") ?? false
        let isOAuth = usesSASL && mechanism == "OAUTHBEARER"
        if hasProvider && !isOAuth {
            throw KafkaError(
                code: .invalidConfiguration,
                message: "an OAUTHBEARER token provider is set, but the client does not use SASL OAUTHBEARER "
                    + "(security.protocol=sasl_plaintext or sasl_ssl, sasl.mechanisms=OAUTHBEARER)",
                configurationKey: "sasl.mechanisms"
            )
        }
        let builtIn =
            properties["enable.sasl.oauthbearer.unsecure.jwt"] == "true"
            || properties["sasl.oauthbearer.method"]?.lowercased() == "oidc"
        if isOAuth && !hasProvider && !builtIn {
            throw KafkaError(
                code: .invalidConfiguration,
                message: "SASL OAUTHBEARER needs a token source: set oauthBearerTokenProvider, "
                    + "or sasl.oauthbearer.method=oidc with its settings",
                configurationKey: "sasl.mechanisms"
            )
        }
    }
}

extension ConfigurationSecrets {
    /// `properties` as sorted `key=value` pairs with every secret value redacted.
    static func redacted(_ properties: [String: String]) -> String {
        properties.keys.sorted().map { key in
            "\(key)=\(Self.isSecret(key) ? Self.redacted : properties[key]!)"
        }.joined(separator: ", ")
    }
}

extension KafkaClientConfiguration {
    /// A mirror that shows the properties with every secret redacted, for `dump` and debuggers.
    public var customMirror: Mirror {
        Mirror(self, children: ["properties": ConfigurationSecrets.redacted(self.properties)], displayStyle: .struct)
    }
}
