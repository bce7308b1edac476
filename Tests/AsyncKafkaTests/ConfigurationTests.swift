import AsyncKafka
import Testing

@Suite("Configuration")
struct ConfigurationTests {
    @Test("an unknown key is a typed error naming the key")
    func unknownKey() {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: "127.0.0.1:9", groupID: "g")
        configuration.properties["no.such.property"] = "1"
        let error = #expect(throws: KafkaError.self) { try KafkaConsumer(configuration: configuration) }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.configurationKey == "no.such.property")
    }

    @Test("an invalid value is a typed error naming the key")
    func invalidValue() {
        var configuration = KafkaProducerConfiguration(bootstrapServers: "127.0.0.1:9")
        configuration.properties["linger.ms"] = "not-a-number"
        let error = #expect(throws: KafkaError.self) { try KafkaProducer(configuration: configuration) }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.configurationKey == "linger.ms")
    }

    @Test("an out-of-range value is a typed error")
    func outOfRange() {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: "127.0.0.1:9", groupID: "g")
        configuration.sessionTimeout = .milliseconds(-5)
        let error = #expect(throws: KafkaError.self) { try KafkaConsumer(configuration: configuration) }
        #expect(error?.configurationKey == "session.timeout.ms")
    }

    @Test("empty bootstrap servers are rejected")
    func emptyBootstrap() {
        let error = #expect(throws: KafkaError.self) {
            try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: " "))
        }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.configurationKey == "bootstrap.servers")
    }

    @Test("typed properties and raw properties are one dictionary")
    func oneSourceOfTruth() {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: "b:1", groupID: "g", autoOffsetReset: .earliest)
        #expect(configuration.properties["auto.offset.reset"] == "earliest")
        configuration.properties["enable.auto.commit"] = "false"
        #expect(configuration.enableAutoCommit == false)
        configuration.fetchWaitMax = .milliseconds(25)
        #expect(configuration.properties["fetch.wait.max.ms"] == "25")
        configuration.clientID = "me"
        #expect(configuration.properties["client.id"] == "me")
        let explicit = KafkaProducerConfiguration(bootstrapServers: "b:1", acks: .leader, properties: ["acks": "all"])
        #expect(explicit.acks == .all)
    }

    @Test("secrets never appear in descriptions or errors")
    func secretsRedacted() {
        let canary = "canary-Secr3t-value"
        var configuration = KafkaProducerConfiguration(bootstrapServers: "127.0.0.1:9")
        configuration.properties["sasl.password"] = canary
        configuration.properties["ssl.key.password"] = canary
        #expect(!configuration.description.contains(canary))
        #expect(!String(reflecting: configuration).contains(canary))
        #expect(configuration.description.contains("sasl.password=<redacted>"))
        // A client that cannot be created (the keystore does not exist) reports it without the password.
        var failing = KafkaConsumerConfiguration(bootstrapServers: "127.0.0.1:9", groupID: "g")
        failing.properties["security.protocol"] = "ssl"
        failing.properties["ssl.keystore.location"] = "/nonexistent/keystore.p12"
        failing.properties["ssl.keystore.password"] = canary
        let error = #expect(throws: KafkaError.self) { try KafkaConsumer(configuration: failing) }
        #expect(error?.code == .invalidConfiguration)
        #expect(error.map { !"\($0)".contains(canary) && !String(reflecting: $0).contains(canary) } == true)
        #expect(!failing.description.contains(canary))
    }
}

@Suite("Option values")
struct OptionValueTests {
    @Test("option values are extensible: a switch needs a default, an unnamed librdkafka value round-trips")
    func extensible() {
        var configuration = KafkaProducerConfiguration(bootstrapServers: "127.0.0.1:9")
        configuration.compression = KafkaCompression(rawValue: "zstd")
        #expect(configuration.compression == .zstd)
        configuration.properties["compression.type"] = "brotli"  // not named by AsyncKafka
        #expect(configuration.compression.rawValue == "brotli")
        let named: String
        switch configuration.acks {
        case .all: named = "all"
        case .leader: named = "leader"
        default: named = "other"
        }
        #expect(named == "all")
        #expect(KafkaTimestamp.Kind.logAppendTime != .createTime)
        #expect(KafkaAcks.allCases.map(\.rawValue) == ["0", "1", "all"])
    }
}
