import AsyncKafka
import Testing

/// Mistakes a user makes against a real broker: each ends in a typed error within a stated time.
@Suite(.enabled(if: Integration.enabled, "ASYNCKAFKA_TEST_BROKERS is not set"))
struct BadInputTests {
    /// Nothing listens on the port: a send fails with `.timedOut` after its 5 s message timeout
    /// (bound: 15 s) and a metadata request with `.timedOut` after its 5 s timeout (bound: 15 s).
    @Test func nothingListening() async throws {
        let servers = "127.0.0.1:\(try freeLoopbackPort())"
        var configuration = Clients.producer(servers)
        configuration.messageTimeout = .seconds(5)
        let producer = try KafkaProducer(configuration: configuration, logger: quietLogger)
        let sendError = try await within(.seconds(15), "send to a closed port") {
            await attempt { () throws(KafkaError) in
                try await producer.send(KafkaProducerMessage(topic: "nowhere", partition: 0, value: "x"))
            }.failure
        }
        await producer.close()
        #expect(sendError?.code == .timedOut, "\(String(describing: sendError))")

        let admin = try KafkaAdminClient(configuration: Clients.admin(servers), logger: quietLogger)
        let metadataError = try await within(.seconds(15), "metadata from a closed port") {
            await attempt { () throws(KafkaError) in try await admin.metadata(timeout: .seconds(5)) }.failure
        }
        await admin.close()
        #expect(metadataError?.code == .timedOut, "\(String(describing: metadataError))")
    }

    /// A topic that does not exist, with `allow.auto.create.topics=false` (which Tansu honours):
    /// a send fails with a typed error after its 5 s message timeout (bound: 15 s), and the
    /// topic's metadata names the error `UNKNOWN_TOPIC_OR_PART`.
    @Test func topicThatDoesNotExist() async throws {
        let topic = Unique.name("missing")
        var configuration = Clients.producer()
        configuration.messageTimeout = .seconds(5)
        configuration.properties["allow.auto.create.topics"] = "false"
        let producer = try KafkaProducer(configuration: configuration)
        let sendError = try await within(.seconds(15), "send to a missing topic") {
            await attempt { () throws(KafkaError) in try await producer.send(KafkaProducerMessage(topic: topic, value: "x")) }.failure
        }
        await producer.close()
        let error = try #require(sendError)
        print("topicThatDoesNotExist: send threw \(error)")
        #expect([KafkaError.Code.timedOut, .unknownTopicOrPartition].contains(error.code), "\(error)")

        let admin = try KafkaAdminClient(
            configuration: KafkaAdminConfiguration(
                bootstrapServers: Integration.bootstrapServers,
                properties: ["allow.auto.create.topics": "false"]
            ))
        let metadata = try await admin.metadata(timeout: .seconds(10))
        await admin.close()
        // Metadata for all topics lists the existing ones only; the missing topic is absent.
        #expect(metadata.topic(topic) == nil)
    }

    /// A message over the client's `message.max.bytes` (1,000,000 by default) fails at once with
    /// `.messageTooLarge`, before anything is sent. Tansu 0.6.0 enforces no size limit of its own:
    /// with the client limit raised, a 5 MB message is stored (recorded here; a broker with
    /// Kafka's default 1 MiB `message.max.bytes` answers MESSAGE_TOO_LARGE).
    @Test func messageOverTheSizeLimit() async throws {
        let topic = Unique.name("big")
        try await createTopic(topic, partitions: 1)
        let producer = try KafkaProducer(configuration: Clients.producer())
        let refused = try await within(.seconds(5), "an oversized send") {
            await attempt { () throws(KafkaError) in
                try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: [UInt8](repeating: 7, count: 2_000_000)))
            }.failure
        }
        await producer.close()
        #expect(refused?.code == .messageTooLarge, "\(String(describing: refused))")

        var large = Clients.producer()
        large.messageMaxBytes = 20_000_000
        let bigProducer = try KafkaProducer(configuration: large)
        let report = try await bigProducer.send(
            KafkaProducerMessage(topic: topic, partition: 0, value: [UInt8](repeating: 7, count: 5_000_000)))
        await bigProducer.close()
        #expect(report.offset == 0, "Tansu 0.6.0 stores a 5 MB message (no broker-side limit)")
    }
}

/// Debian's librdkafka 2.0.2 cannot parse Tansu's ApiVersions v3 response (four top-level tagged
/// fields; 2.0.2 mis-skips them) and retries forever. `scripts/integration.sh` runs this suite a
/// second time without `LD_LIBRARY_PATH`, on the system librdkafka: there a metadata request
/// fails with `.timedOut` after its 5 s timeout (bound: 15 s) and a send with `.timedOut` after
/// its 5 s message timeout. On librdkafka 2.1 or later the same calls succeed.
@Suite(.enabled(if: Integration.enabled, "ASYNCKAFKA_TEST_BROKERS is not set"))
struct NegotiationTests {
    static let cannotNegotiate = Librdkafka.version < 0x0201_0000

    @Test func apiVersionNegotiation() async throws {
        let topic = Unique.name("negotiation")
        let admin = try KafkaAdminClient(configuration: Clients.admin(), logger: quietLogger)
        let metadata = try await within(.seconds(15), "metadata") {
            await attempt { () throws(KafkaError) in try await admin.metadata(timeout: .seconds(5)) }
        }
        await admin.close()

        var configuration = Clients.producer()
        configuration.messageTimeout = .seconds(5)
        let producer = try KafkaProducer(configuration: configuration, logger: quietLogger)
        let sent = try await within(.seconds(15), "send") {
            await attempt { () throws(KafkaError) in try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "x")) }
        }
        await producer.close()

        if Self.cannotNegotiate {
            switch metadata {
            case .success: Issue.record("librdkafka \(Librdkafka.versionString) read Tansu's metadata; expected the ApiVersions failure")
            case .failure(let error): #expect(error.code == .timedOut, "librdkafka \(Librdkafka.versionString): \(error)")
            }
            switch sent {
            case .success: Issue.record("librdkafka \(Librdkafka.versionString) delivered to Tansu; expected the ApiVersions failure")
            case .failure(let error): #expect(error.code == .timedOut, "librdkafka \(Librdkafka.versionString): \(error)")
            }
        } else {
            #expect((try? metadata.get())?.brokers.count == 1, "librdkafka \(Librdkafka.versionString): \(metadata)")
            #expect((try? sent.get()) != nil, "librdkafka \(Librdkafka.versionString): \(sent)")
        }
    }
}
