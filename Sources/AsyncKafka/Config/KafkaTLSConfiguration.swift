/// TLS settings of a client: the certificate authorities it trusts and, for mutual TLS,
/// its own certificate and private key.
///
/// Give files (`…Location`) or PEM text (`…PEM`). Apply it with
/// ``KafkaClientConfiguration/configureSecurity(sasl:tls:)``. Passwords and
/// private keys never appear in descriptions, logs or errors.
public struct KafkaTLSConfiguration: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    /// File or directory of CA certificates to verify the brokers with (`ssl.ca.location`);
    /// `nil` uses the system's default store.
    public var caLocation: String?
    /// CA certificates as PEM text (`ssl.ca.pem`).
    public var caPEM: String?
    /// The client's certificate file, for mutual TLS (`ssl.certificate.location`).
    public var certificateLocation: String?
    /// The client's certificate as PEM text (`ssl.certificate.pem`).
    public var certificatePEM: String?
    /// The client's private key file (`ssl.key.location`).
    public var keyLocation: String?
    /// The client's private key as PEM text (`ssl.key.pem`). Secret.
    public var keyPEM: String?
    /// The password of the private key (`ssl.key.password`). Secret.
    public var keyPassword: String?
    /// A PKCS#12 keystore holding the client's certificate and key (`ssl.keystore.location`).
    public var keystoreLocation: String?
    /// The password of the keystore (`ssl.keystore.password`). Secret.
    public var keystorePassword: String?
    /// Whether the brokers' certificates are verified (`enable.ssl.certificate.verification`, default `true`).
    public var verifyCertificates: Bool
    /// Whether the broker's host name must match its certificate
    /// (`ssl.endpoint.identification.algorithm`: `https` or `none`, default `true`).
    public var verifyHostname: Bool

    /// Creates TLS settings; every argument is optional.
    public init(
        caLocation: String? = nil,
        caPEM: String? = nil,
        certificateLocation: String? = nil,
        certificatePEM: String? = nil,
        keyLocation: String? = nil,
        keyPEM: String? = nil,
        keyPassword: String? = nil,
        keystoreLocation: String? = nil,
        keystorePassword: String? = nil,
        verifyCertificates: Bool = true,
        verifyHostname: Bool = true
    ) {
        self.caLocation = caLocation
        self.caPEM = caPEM
        self.certificateLocation = certificateLocation
        self.certificatePEM = certificatePEM
        self.keyLocation = keyLocation
        self.keyPEM = keyPEM
        self.keyPassword = keyPassword
        self.keystoreLocation = keystoreLocation
        self.keystorePassword = keystorePassword
        self.verifyCertificates = verifyCertificates
        self.verifyHostname = verifyHostname
    }

    /// Whether the running librdkafka was built with TLS support (`ssl` in its `builtin.features`).
    public static var isBuiltIn: Bool {
        Librdkafka.builtinFeatures().contains("ssl")
    }

    /// The librdkafka properties these settings stand for.
    public var properties: [String: String] {
        var properties: [String: String] = [
            "enable.ssl.certificate.verification": String(self.verifyCertificates),
            "ssl.endpoint.identification.algorithm": self.verifyHostname ? "https" : "none",
        ]
        properties["ssl.ca.location"] = self.caLocation
        properties["ssl.ca.pem"] = self.caPEM
        properties["ssl.certificate.location"] = self.certificateLocation
        properties["ssl.certificate.pem"] = self.certificatePEM
        properties["ssl.key.location"] = self.keyLocation
        properties["ssl.key.pem"] = self.keyPEM
        properties["ssl.key.password"] = self.keyPassword
        properties["ssl.keystore.location"] = self.keystoreLocation
        properties["ssl.keystore.password"] = self.keystorePassword
        return properties
    }

    /// The settings with secrets redacted.
    public var description: String {
        "KafkaTLSConfiguration(\(ConfigurationSecrets.redacted(self.properties)))"
    }

    /// A mirror without the secrets, for `dump` and debuggers.
    public var customMirror: Mirror {
        Mirror(self, children: ["properties": ConfigurationSecrets.redacted(self.properties)], displayStyle: .struct)
    }
}
