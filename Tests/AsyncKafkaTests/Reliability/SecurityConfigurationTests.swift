import AsyncKafka
import AsyncKafkaTesting
import Testing

/// Typed TLS and SASL settings: their librdkafka properties, validation at creation, and what the
/// embedded broker (which has neither TLS nor SASL) does with them.
@Suite("Security: TLS and SASL configuration")
struct SecurityConfigurationTests {
    @Test("the system librdkafka has TLS and every typed SASL mechanism built in")
    func builtIn() {
        #expect(KafkaTLSConfiguration.isBuiltIn)
        #expect(KafkaSASLConfiguration.Mechanism.builtIn == KafkaSASLConfiguration.Mechanism.allCases)
        ReliabilityRecord.security(
            "librdkafka builtin.features",
            figures: [
                "tls": "\(KafkaTLSConfiguration.isBuiltIn)",
                "sasl": KafkaSASLConfiguration.Mechanism.builtIn.map(\.rawValue).joined(separator: " "),
            ],
            asserted: "ssl, sasl_plain, sasl_scram, sasl_oauthbearer present"
        )
    }

    @Test("typed settings write librdkafka's properties and choose the security protocol")
    func typedProperties() {
        let secret = "typed-Secr3t"
        var configuration = KafkaProducerConfiguration(bootstrapServers: "b:1")
        configuration.configureSecurity(tls: KafkaTLSConfiguration(caLocation: "/ca.pem", verifyHostname: false))
        #expect(configuration.securityProtocol == .ssl)
        #expect(configuration.properties["ssl.ca.location"] == "/ca.pem")
        #expect(configuration.properties["ssl.endpoint.identification.algorithm"] == "none")
        configuration.configureSecurity(sasl: .scramSHA512(username: "u", password: secret))
        #expect(configuration.securityProtocol == .saslPlaintext)
        #expect(configuration.properties["sasl.mechanisms"] == "SCRAM-SHA-512")
        #expect(configuration.properties["sasl.username"] == "u")
        configuration.configureSecurity(sasl: .plain(username: "u", password: secret), tls: KafkaTLSConfiguration(keyPassword: secret))
        #expect(configuration.securityProtocol == .saslSSL)
        #expect(configuration.properties["sasl.mechanisms"] == "PLAIN")
        #expect(configuration.properties["ssl.key.password"] == secret)
        let sasl = KafkaSASLConfiguration.scramSHA256(username: "u", password: secret)
        let tls = KafkaTLSConfiguration(keyPEM: secret, keyPassword: secret, keystorePassword: secret)
        var dumps = ""
        dump(sasl, to: &dumps)
        dump(tls, to: &dumps)
        dump(configuration, to: &dumps)
        let texts = [
            sasl.description, tls.description, String(reflecting: sasl), String(reflecting: tls), configuration.description, dumps,
        ]
        #expect(texts.allSatisfy { !$0.contains(secret) })
        #expect(sasl.description.contains("sasl.username=u"))
        ReliabilityRecord.security(
            "Typed TLS/SASL settings",
            figures: ["protocols": "ssl, sasl_plaintext, sasl_ssl", "mechanisms": "PLAIN, SCRAM-SHA-256/512"],
            asserted: "properties written; secrets redacted in description and dump()"
        )
    }

    @Test("missing credentials, unreadable files and mismatched settings are refused at creation, naming the key")
    func validation() {
        func refusal(_ configure: (inout KafkaConsumerConfiguration) -> Void) -> KafkaError? {
            var configuration = KafkaConsumerConfiguration(bootstrapServers: "127.0.0.1:1", groupID: "g")
            configure(&configuration)
            return #expect(throws: KafkaError.self) { try KafkaConsumer(configuration: configuration) }
        }
        let cases: [(String, KafkaError?)] = [
            ("sasl.password", refusal { $0.configureSecurity(sasl: KafkaSASLConfiguration(mechanism: .plain, username: "u")) }),
            ("sasl.username", refusal { $0.configureSecurity(sasl: .scramSHA256(username: "", password: "p")) }),
            ("sasl.password", refusal { $0.configureSecurity(sasl: .scramSHA512(username: "u", password: "")) }),
            ("security.protocol", refusal { $0.properties["sasl.mechanisms"] = "PLAIN" }),
            ("sasl.mechanisms", refusal { $0.configureSecurity(sasl: .oauthBearer) }),
            ("sasl.mechanisms", refusal { $0.oauthBearerTokenProvider = { _ in throw CancellationError() } }),
            (
                "sasl.mechanisms",
                refusal {
                    $0.configureSecurity(sasl: KafkaSASLConfiguration(mechanism: .plain, username: "u", password: "p"))
                    $0.properties["sasl.mechanisms"] = "NOPE"
                }
            ),
            ("ssl.ca.location", refusal { $0.configureSecurity(tls: KafkaTLSConfiguration(caLocation: "/nonexistent/ca.pem")) }),
            (
                "ssl.certificate.location",
                refusal { $0.configureSecurity(tls: KafkaTLSConfiguration(certificateLocation: "/nonexistent/c.pem")) }
            ),
            ("ssl.key.location", refusal { $0.configureSecurity(tls: KafkaTLSConfiguration(keyLocation: "/nonexistent/k.pem")) }),
            ("ssl.keystore.location", refusal { $0.configureSecurity(tls: KafkaTLSConfiguration(keystoreLocation: "/nonexistent/k.p12")) }),
            ("security.protocol", refusal { $0.properties["security.protocol"] = "tls" }),
        ]
        for (key, error) in cases {
            #expect(error?.code == .invalidConfiguration, "\(key)")
            #expect(error?.configurationKey == key, "\(key): \(error.map { "\($0)" } ?? "no error")")
        }
        ReliabilityRecord.security(
            "Security settings validated at creation",
            figures: ["cases": "\(cases.count)", "error": ".invalidConfiguration"],
            asserted: "missing user/password, SASL without sasl_*, OAUTHBEARER without token source, unreadable TLS files: key named"
        )
    }

    @Test("SASL PLAIN against the broker without SASL fails the awaiting calls with typed errors, not a hang")
    func saslAgainstPlainBroker() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("sasl")
        let logs = CapturingLogHandler()
        var configuration = cluster.producerConfiguration()
        configuration.configureSecurity(sasl: .plain(username: "user", password: "pass"))
        configuration.messageTimeout = .seconds(1)
        let producer = try KafkaProducer(configuration: configuration, logger: logs.logger)
        let clock = ContinuousClock()
        let start = clock.now
        await expectKafkaError(.timedOut) {
            try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "v"))
        }
        await producer.close(timeout: .milliseconds(100))
        var consumerConfiguration = cluster.consumerConfiguration(group: nil)
        consumerConfiguration.configureSecurity(sasl: .scramSHA256(username: "user", password: "pass"))
        let consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: logs.logger)
        await expectKafkaError(.timedOut) {
            try await consumer.watermarks(topic: topic, partition: 0, timeout: .seconds(1))
        }
        await consumer.close()
        let elapsed = clock.now - start
        // The calls' own timeouts add up to about 2 s of timeouts. A call that ignored its timeout would wait
        // for a 30 s default (close, socket) or forever; the margin up to 25 s is for a
        // loaded machine or a sanitizer build (the whole suite under ThreadSanitizer took 14-16 s here).
        #expect(elapsed < .seconds(25))
        let saslLines = logs.captured.filter { $0.level >= .warning && ($0.message.contains("SASL") || $0.message.contains("sasl")) }
        #expect(!saslLines.isEmpty, "librdkafka reports the failed SASL handshake")
        ReliabilityRecord.security(
            "SASL PLAIN/SCRAM against a broker without SASL",
            figures: ["error": ".timedOut", "elapsed": "\(elapsed)", "sasl warnings": "\(saslLines.count)"],
            asserted: "send and watermarks throw within their timeouts; SASL failure logged"
        )
    }
}
