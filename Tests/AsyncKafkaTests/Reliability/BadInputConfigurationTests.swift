import AsyncKafka
import AsyncKafkaTesting
import Testing

/// Bad configuration: every case is a typed ``KafkaError`` at creation that names the key.
@Suite("Bad input: configuration")
struct BadInputConfigurationTests {
    /// Creates each kind of client with `properties` added and returns the three errors.
    private func refusals(_ properties: [String: String]) -> [KafkaError?] {
        var consumer = KafkaConsumerConfiguration(bootstrapServers: "127.0.0.1:1", groupID: "g")
        var producer = KafkaProducerConfiguration(bootstrapServers: "127.0.0.1:1")
        var admin = KafkaAdminConfiguration(bootstrapServers: "127.0.0.1:1")
        consumer.properties.merge(properties) { _, new in new }
        producer.properties.merge(properties) { _, new in new }
        admin.properties.merge(properties) { _, new in new }
        return [
            #expect(throws: KafkaError.self) { try KafkaConsumer(configuration: consumer) },
            #expect(throws: KafkaError.self) { try KafkaProducer(configuration: producer) },
            #expect(throws: KafkaError.self) { try KafkaAdminClient(configuration: admin) },
        ]
    }

    @Test("an unknown key is refused by every client, naming the key")
    func unknownKey() {
        let errors = self.refusals(["no.such.property": "1"])
        expectConfigurationRefused(errors, key: "no.such.property")
        ReliabilityRecord.badInput(
            "Unknown configuration key",
            figures: ["error": ".invalidConfiguration", "key": "no.such.property", "clients": "3"],
            asserted: "typed error at creation naming the key (consumer, producer, admin)"
        )
    }

    @Test("a value of the wrong type is refused, naming the key")
    func wrongType() {
        let errors = self.refusals(["enable.idempotence": "maybe", "socket.timeout.ms": "soon"])
        for error in errors {
            #expect(error?.code == .invalidConfiguration)
            // Keys are applied in sorted order: enable.idempotence comes first.
            #expect(error?.configurationKey == "enable.idempotence")
            #expect(error?.message.contains("maybe") == true)
        }
        ReliabilityRecord.badInput(
            "Configuration value of the wrong type",
            figures: ["error": ".invalidConfiguration", "key": "enable.idempotence"],
            asserted: "typed error at creation naming the key and quoting the value"
        )
    }

    @Test("an out-of-range value is refused, naming the key")
    func outOfRange() {
        let errors = self.refusals(["message.max.bytes": "10"])
        expectConfigurationRefused(errors, key: "message.max.bytes")
        var consumer = KafkaConsumerConfiguration(bootstrapServers: "127.0.0.1:1", groupID: "g")
        consumer.sessionTimeout = .milliseconds(-5)
        let typed = #expect(throws: KafkaError.self) { try KafkaConsumer(configuration: consumer) }
        #expect(typed?.configurationKey == "session.timeout.ms")
        ReliabilityRecord.badInput(
            "Out-of-range configuration value",
            figures: ["error": ".invalidConfiguration", "key": "message.max.bytes, session.timeout.ms"],
            asserted: "typed error at creation naming the key, raw and typed properties"
        )
    }

    @Test("values librdkafka accepts one by one but not together are refused, naming a key")
    func inconsistentValues() {
        var consumer = KafkaConsumerConfiguration(bootstrapServers: "127.0.0.1:1", groupID: "g")
        consumer.sessionTimeout = .seconds(30)
        consumer.properties["max.poll.interval.ms"] = "10000"
        let error = #expect(throws: KafkaError.self) { try KafkaConsumer(configuration: consumer) }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.configurationKey == "max.poll.interval.ms")
        var producer = KafkaProducerConfiguration(bootstrapServers: "127.0.0.1:1")
        producer.enableIdempotence = true
        producer.acks = .leader
        let idempotent = #expect(throws: KafkaError.self) { try KafkaProducer(configuration: producer) }
        #expect(idempotent?.code == .invalidConfiguration)
        #expect(idempotent?.configurationKey == "enable.idempotence", "\(String(describing: idempotent))")
        ReliabilityRecord.badInput(
            "Inconsistent configuration values",
            figures: ["error": ".invalidConfiguration", "key": "max.poll.interval.ms, enable.idempotence"],
            asserted: "typed error at creation naming the key librdkafka blamed"
        )
    }

    @Test("empty bootstrap servers are refused by every client")
    func emptyBootstrapServers() {
        for servers in ["", " ", " , "] {
            let errors = [
                #expect(throws: KafkaError.self) {
                    try KafkaConsumer(configuration: KafkaConsumerConfiguration(bootstrapServers: servers, groupID: "g"))
                },
                #expect(throws: KafkaError.self) {
                    try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: servers))
                },
                #expect(throws: KafkaError.self) {
                    try KafkaAdminClient(configuration: KafkaAdminConfiguration(bootstrapServers: servers))
                },
            ]
            expectConfigurationRefused(errors, key: "bootstrap.servers")
        }
        ReliabilityRecord.badInput(
            "Empty bootstrap servers",
            figures: ["error": ".invalidConfiguration", "key": "bootstrap.servers", "inputs": "3"],
            asserted: "typed error at creation for \"\", \" \" and \" , \""
        )
    }

    @Test("an unreachable broker surfaces as timedOut on the awaiting call, not a hang")
    func unreachableBroker() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        // Port 1 on the loopback interface: nothing listens there, every connection is refused.
        var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: "127.0.0.1:1")
        producerConfiguration.messageTimeout = .milliseconds(800)
        let producer = try KafkaProducer(configuration: producerConfiguration)
        await expectKafkaError(.timedOut) {
            try await producer.send(KafkaProducerMessage(topic: "t", partition: 0, value: "v"))
        }
        try await producer.enqueue(KafkaProducerMessage(topic: "t", partition: 0, value: "w"))
        await expectKafkaError(.timedOut) { try await producer.flush(timeout: .milliseconds(100)) }
        await producer.close(timeout: .milliseconds(100))

        let consumer = try KafkaConsumer(configuration: KafkaConsumerConfiguration(bootstrapServers: "127.0.0.1:1"))
        let watermarks = await #expect(throws: KafkaError.self) {
            try await consumer.watermarks(topic: "t", partition: 0, timeout: .milliseconds(500))
        }
        #expect(watermarks?.code == .timedOut, "\(String(describing: watermarks))")
        await consumer.close()

        let admin = try KafkaAdminClient(configuration: KafkaAdminConfiguration(bootstrapServers: "127.0.0.1:1"))
        await expectKafkaError(.timedOut) { try await admin.metadata(timeout: .milliseconds(500)) }
        await admin.close()
        let elapsed = clock.now - start
        // The calls' own timeouts add up to about 2 s of timeouts. A call that ignored its timeout would wait
        // for a 30 s default (close, socket) or forever; the margin up to 25 s is for a
        // loaded machine or a sanitizer build (the whole suite under ThreadSanitizer took 14-16 s here).
        #expect(elapsed < .seconds(25))
        ReliabilityRecord.badInput(
            "Unreachable broker (closed port)",
            figures: ["error": ".timedOut", "calls": "send, flush, watermarks, metadata", "elapsed": "\(elapsed)"],
            asserted: "each awaiting call throws timedOut within its timeout; close returns"
        )
    }
}
