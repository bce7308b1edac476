import AsyncKafka
import AsyncKafkaTesting
import MetricsTestKit
import Testing

/// A canary secret in every secret property librdkafka 2.0.2 accepts must never show up anywhere.
@Suite("Security: secret canary")
struct SecretCanaryTests {
    /// Every secret-bearing property of librdkafka 2.0.2 that a plaintext client accepts
    /// (Debian's build has no OIDC, so `sasl.oauthbearer.client.secret` is refused at creation).
    private static func secrets(_ canary: String) -> [String: String] {
        [
            "sasl.password": canary,
            "ssl.key.password": canary,
            "ssl.keystore.password": canary,
            "sasl.oauthbearer.config": "principal=\(canary) scope=\(canary)",
        ]
    }

    @Test("the canary never appears in descriptions, dumps, logs with debug=all, errors or metrics")
    func canary() async throws {
        let canary = "CANARY-\(UInt64.random(in: 0...UInt64.max))"
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("canary")
        let logs = CapturingLogHandler()
        let metrics = TestMetrics()
        var texts: [String] = []

        var producerConfiguration = cluster.producerConfiguration()
        var consumerConfiguration = cluster.consumerConfiguration()
        var adminConfiguration = KafkaAdminConfiguration(bootstrapServers: cluster.bootstrapServers)
        producerConfiguration.properties.merge(Self.secrets(canary)) { _, new in new }
        consumerConfiguration.properties.merge(Self.secrets(canary)) { _, new in new }
        adminConfiguration.properties.merge(Self.secrets(canary)) { _, new in new }
        for configuration in [producerConfiguration as any KafkaClientConfiguration, consumerConfiguration, adminConfiguration] {
            var dumped = ""
            dump(configuration, to: &dumped)
            texts += [configuration.description, String(reflecting: configuration), "\(configuration)", dumped]
        }
        producerConfiguration.properties["debug"] = "all"
        consumerConfiguration.properties["debug"] = "all"
        adminConfiguration.properties["debug"] = "all"
        producerConfiguration.statisticsInterval = .milliseconds(100)
        consumerConfiguration.statisticsInterval = .milliseconds(100)

        // Clients at work, logging everything librdkafka has to say.
        let producer = try KafkaProducer(configuration: producerConfiguration, logger: logs.logger)
        producer.reportMetrics(to: KafkaStatisticsMetrics(factory: metrics))
        try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, key: "k", value: "v"))
        let consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: logs.logger)
        consumer.reportMetrics(to: KafkaStatisticsMetrics(factory: metrics))
        let statistics = consumer.statistics
        try await consumer.assign([KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)])
        var iterator = consumer.messages.makeAsyncIterator()
        #expect(try await iterator.next()?.valueString == "v")
        _ = await firstStatistics(statistics) { _ in true }
        let admin = try KafkaAdminClient(configuration: adminConfiguration, logger: logs.logger)
        _ = try await admin.metadata(timeout: .seconds(5))
        texts += ["\(producer)", String(reflecting: producer), "\(consumer)", "\(admin)"]

        // Errors raised while the secrets are configured.
        var errors: [KafkaError?] = []
        var unknown = producerConfiguration
        unknown.properties["no.such.key"] = canary
        errors.append(#expect(throws: KafkaError.self) { try KafkaProducer(configuration: unknown) })
        // A malformed secret that librdkafka only parses once the client runs: it logs the failure.
        var badSecret = producerConfiguration
        badSecret.properties["security.protocol"] = "sasl_plaintext"
        badSecret.properties["sasl.mechanisms"] = "OAUTHBEARER"
        badSecret.properties["enable.sasl.oauthbearer.unsecure.jwt"] = "true"
        badSecret.properties["sasl.oauthbearer.config"] = "\(canary)"
        let oauth = try KafkaProducer(configuration: badSecret, logger: logs.logger)
        // librdkafka reports the bad config on the client's queue; poll the log with a deadline (no event to await).
        _ = await eventually(timeout: .seconds(5)) { logs.captured.contains { $0.message.contains("sasl.oauthbearer.config") } }
        #expect(logs.captured.contains { $0.message.contains("sasl.oauthbearer.config") })
        await oauth.close(timeout: .milliseconds(100))
        var badKey = producerConfiguration
        badKey.properties["security.protocol"] = "ssl"
        badKey.properties["ssl.key.pem"] = "-----BEGIN PRIVATE KEY-----\n\(canary)\n-----END PRIVATE KEY-----"
        errors.append(#expect(throws: KafkaError.self) { try KafkaProducer(configuration: badKey) })
        var missingKeystore = adminConfiguration
        missingKeystore.properties["security.protocol"] = "ssl"
        missingKeystore.properties["ssl.keystore.location"] = "/nonexistent/\(topic).p12"
        errors.append(#expect(throws: KafkaError.self) { try KafkaAdminClient(configuration: missingKeystore) })
        #expect(errors.allSatisfy { $0?.code == .invalidConfiguration })
        texts += errors.compactMap { $0 }.flatMap { ["\($0)", String(reflecting: $0), $0.message] }

        await admin.close()
        await consumer.close()
        await producer.close()

        let lines = logs.captured
        texts += lines.map(\.message) + lines.flatMap { $0.metadata.values }
        let dimensions =
            metrics.counters.flatMap { $0.dimensions.flatMap { [$0.0, $0.1] } + [$0.label] }
            + metrics.recorders.flatMap { $0.dimensions.flatMap { [$0.0, $0.1] } + [$0.label] }
        texts += dimensions
        #expect(lines.count > 100, "debug=all should make librdkafka talkative")
        #expect(!dimensions.isEmpty)
        let leaks = texts.filter { $0.contains(canary) }
        #expect(leaks.isEmpty, "canary leaked: \(leaks.map { $0.replacing(canary, with: "<CANARY>") })")
        ReliabilityRecord.security(
            "Secret canary in 4 secret properties",
            figures: [
                "log lines": "\(lines.count)", "errors": "\(errors.count)", "metric dimensions": "\(dimensions.count)",
                "texts checked": "\(texts.count)", "leaks": "\(leaks.count)",
            ],
            asserted: "canary absent from descriptions, dump(), debug=all logs, errors, metrics labels"
        )
    }
}
