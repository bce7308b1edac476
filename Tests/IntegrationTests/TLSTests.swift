import AsyncKafka
import Logging
import Testing

/// TLS against a real broker: Tansu behind stunnel (Debian's stunnel4), certificates made with
/// `openssl` when the suite starts (``TestCertificates``).
///
/// librdkafka reports a failed TLS handshake as an error event, which the client logs (a
/// warning with `kafka.error=_SSL` and OpenSSL's reason), and keeps retrying: the request
/// itself ends with `KafkaError` code `.timedOut` when its timeout passes. librdkafka 2.16 logs
/// the same "certificate verify failed: broker certificate could not be verified" for a wrong CA,
/// a host name mismatch and an expired certificate (OpenSSL's specific reason is not in it); each
/// failing test differs from ``caConnectsReadsAndWrites()`` in that one respect only.
@Suite(.enabled(if: Integration.canRunTLS, "needs ASYNCKAFKA_TEST_BROKERS, ASYNCKAFKA_TANSU_BIN, ASYNCKAFKA_STUNNEL_BIN and openssl"))
struct TLSTests {
    private func tls(_ certificates: TestCertificates, ca: String = "ca.pem") -> KafkaTLSConfiguration {
        KafkaTLSConfiguration(caLocation: certificates.path(ca))
    }

    /// Writes 3 messages and reads them back over TLS with `tls`.
    private func roundTrip(_ broker: TLSBroker, tls: KafkaTLSConfiguration, logger: Logger) async throws {
        let topic = Unique.name("tls")
        var adminConfiguration = Clients.admin(broker.bootstrapServers)
        adminConfiguration.configureSecurity(tls: tls)
        let admin = try KafkaAdminClient(configuration: adminConfiguration, logger: logger)
        let created = await attempt { () throws(KafkaError) in
            try await admin.createTopics([KafkaNewTopic(name: topic, partitions: 1)], timeout: .seconds(20))
        }
        await admin.close()
        #expect(try created.get().allSatisfy { $0.error == nil }, "\(created)")

        var producerConfiguration = Clients.producer(broker.bootstrapServers)
        producerConfiguration.configureSecurity(tls: tls)
        let producer = try KafkaProducer(configuration: producerConfiguration, logger: logger)
        let sent = await attempt { () throws(KafkaError) in
            for n in 0..<3 { _ = try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "secret \(n)")) }
        }
        await producer.close()
        try sent.get()

        var consumerConfiguration = Clients.consumer(broker.bootstrapServers, group: nil)
        consumerConfiguration.configureSecurity(tls: tls)
        let consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: logger)
        try await consumer.assign([KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)])
        let messages = try await consume(consumer, within: .seconds(30)) { $0.count == 3 }
        await consumer.close()
        #expect(messages.map(\.valueString) == ["secret 0", "secret 1", "secret 2"])
    }

    /// A metadata request that must fail: `.timedOut` after its 5 s timeout (bound: 15 s), with the
    /// reason in the client's log. Returns the log.
    private func failingMetadata(_ servers: String, tls: KafkaTLSConfiguration) async throws -> String {
        var configuration = Clients.admin(servers)
        configuration.configureSecurity(tls: tls)
        let capture = LogCapture()
        let admin = try KafkaAdminClient(configuration: configuration, logger: capture.logger)
        let error = try await within(.seconds(15), "metadata over failing TLS") {
            await attempt { () throws(KafkaError) in try await admin.metadata(timeout: .seconds(5)) }.failure
        }
        await admin.close()
        #expect(error?.code == .timedOut, "\(String(describing: error))")
        return capture.text
    }

    @Test func caConnectsReadsAndWrites() async throws {
        let certificates = try await TestCertificates.shared.value
        try await withTLSBroker(certificates) { broker in
            try await self.roundTrip(broker, tls: self.tls(certificates), logger: quietLogger)
        }
    }

    @Test func wrongCAFailsFast() async throws {
        let certificates = try await TestCertificates.shared.value
        let log = try await withTLSBroker(certificates) { broker in
            try await self.failingMetadata(broker.bootstrapServers, tls: self.tls(certificates, ca: "otherca.pem"))
        }
        #expect(log.contains("kafka.error=_SSL") && log.contains("certificate verify failed"), "\(log.suffix(2000))")
    }

    @Test func wrongHostNameFailsFast() async throws {
        let certificates = try await TestCertificates.shared.value
        var tls = self.tls(certificates)
        tls.verifyHostname = true  // ssl.endpoint.identification.algorithm=https
        let log = try await withTLSBroker(certificates, certificate: "otherhost") { broker in
            try await self.failingMetadata(broker.bootstrapServers, tls: tls)
        }
        #expect(log.contains("kafka.error=_SSL") && log.contains("certificate verify failed"), "\(log.suffix(2000))")
    }

    @Test func expiredCertificateFailsFast() async throws {
        let certificates = try await TestCertificates.shared.value
        let log = try await withTLSBroker(certificates, certificate: "expired") { broker in
            try await self.failingMetadata(broker.bootstrapServers, tls: self.tls(certificates))
        }
        #expect(log.contains("kafka.error=_SSL") && log.contains("certificate verify failed"), "\(log.suffix(2000))")
    }

    /// stunnel requires a client certificate signed by the test CA: with the client's certificate
    /// and key the client reads and writes; with the encrypted key and its password too, and the
    /// password shows up nowhere (logs, configuration descriptions, errors); without a certificate
    /// the handshake fails (`.timedOut`, reason logged); with a wrong password the client is not
    /// created (`.invalidConfiguration`), and that error does not show the password either.
    @Test func mutualTLS() async throws {
        let certificates = try await TestCertificates.shared.value
        try await withTLSBroker(certificates, requireClientCertificate: true) { broker in
            try await self.mutualTLS(broker, certificates)
        }
    }

    private func mutualTLS(_ broker: TLSBroker, _ certificates: TestCertificates) async throws {
        var plainKey = self.tls(certificates)
        plainKey.certificateLocation = certificates.path("client.pem")
        plainKey.keyLocation = certificates.path("client.key")
        try await self.roundTrip(broker, tls: plainKey, logger: quietLogger)

        var encrypted = self.tls(certificates)
        encrypted.certificateLocation = certificates.path("client.pem")
        encrypted.keyLocation = certificates.path("client-encrypted.key")
        encrypted.keyPassword = certificates.keyPassword
        let capture = LogCapture()
        try await self.roundTrip(broker, tls: encrypted, logger: capture.logger)
        var described = Clients.producer(broker.bootstrapServers)
        described.configureSecurity(tls: encrypted)
        #expect(!capture.text.isEmpty)
        #expect(!capture.text.contains(certificates.keyPassword))
        #expect(!"\(described)".contains(certificates.keyPassword))
        #expect(!"\(encrypted)".contains(certificates.keyPassword))

        var wrongPassword = encrypted
        wrongPassword.keyPassword = "not-the-password-" + certificates.keyPassword.suffix(8)
        var refused = Clients.producer(broker.bootstrapServers)
        refused.configureSecurity(tls: wrongPassword)
        let refusal = await attempt { () throws(KafkaError) in _ = try KafkaProducer(configuration: refused, logger: quietLogger) }
        #expect(refusal.failure?.code == .invalidConfiguration, "\(refusal)")
        #expect(!"\(refusal)".contains(wrongPassword.keyPassword!) && !"\(refusal)".contains(certificates.keyPassword))

        let log = try await self.failingMetadata(broker.bootstrapServers, tls: self.tls(certificates))
        #expect(log.contains("kafka.error=_SSL") || log.contains("kafka.error=_TRANSPORT"), "\(log.suffix(2000))")
    }
}

/// Runs `body` with a ``TLSBroker``, stopping it (Tansu and stunnel) whether `body` returns or throws.
private func withTLSBroker<T>(
    _ certificates: TestCertificates,
    certificate: String = "server",
    requireClientCertificate: Bool = false,
    _ body: (TLSBroker) async throws -> T
) async throws -> T {
    let broker = try await TLSBroker(
        certificates: certificates, certificate: certificate, requireClientCertificate: requireClientCertificate)
    return try await withBroker(broker, body)
}

/// SASL against Tansu 0.6.0, recorded: with `--authentication` it requires SASL, but users can
/// only be created over the Kafka protocol (`tansu user create`), which then needs an
/// authenticated connection ("early eof"), and memory storage forgets users on a restart; without
/// `--authentication` it answers SaslHandshake with UNSUPPORTED_SASL_MECHANISM for every
/// mechanism. So no SASL client can log in. What a SCRAM client sees: the broker answers
/// "unknown-user", the client logs `_AUTHENTICATION` and a metadata request ends `.timedOut`
/// after its 5 s timeout (bound: 15 s); the password shows up nowhere.
@Suite(.enabled(if: Integration.canStartBrokers, "needs ASYNCKAFKA_TEST_BROKERS and ASYNCKAFKA_TANSU_BIN"))
struct SASLTests {
    @Test func scramAgainstTansuAuthentication() async throws {
        let password = "canary-sasl-\(UInt64.random(in: 0...UInt64.max))"
        let capture = LogCapture()
        let error = try await withBroker(TansuBroker(extraArguments: ["--authentication"])) { broker in
            var configuration = Clients.admin(broker.bootstrapServers)
            configuration.configureSecurity(sasl: .scramSHA512(username: "alice", password: password))
            let admin = try KafkaAdminClient(configuration: configuration, logger: capture.logger)
            let error = try await within(.seconds(15), "metadata with SCRAM") {
                await attempt { () throws(KafkaError) in try await admin.metadata(timeout: .seconds(5)) }.failure
            }
            await admin.close()
            return error
        }
        #expect(error?.code == .timedOut, "\(String(describing: error))")
        #expect(
            capture.text.contains("kafka.error=_AUTHENTICATION") && capture.text.contains("unknown-user"), "\(capture.text.suffix(2000))")
        #expect(!capture.text.contains(password) && !"\(String(describing: error))".contains(password))
    }
}
