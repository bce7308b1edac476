import AsyncKafka
import Testing

/// The consumer's errors against a real broker: a subscribed topic the broker does not have, and
/// a broker that is not there, reach `errors` at once, and end the loop when asked to.
@Suite(.enabled(if: Integration.enabled, "ASYNCKAFKA_TEST_BROKERS is not set"))
struct ConsumerErrorTests {
    /// Subscribing to a topic the broker does not have (auto-creation off): `errors` reports
    /// UNKNOWN_TOPIC_OR_PART within 15 s; with `failOnMissingTopic` the loop throws it.
    @Test(arguments: [false, true])
    func missingTopic(failOnMissingTopic: Bool) async throws {
        var configuration = Clients.consumer()
        configuration.properties["allow.auto.create.topics"] = "false"
        configuration.failOnMissingTopic = failOnMissingTopic
        let consumer = try KafkaConsumer(configuration: configuration, logger: quietLogger)
        let errors = consumer.errors
        try await consumer.subscribe(to: [Unique.name("missing")])
        if failOnMissingTopic {
            let error = try await within(.seconds(15), "the loop ending on a missing topic") {
                await attempt { () throws(KafkaError) in for try await _ in consumer.messages {} }.failure
            }
            #expect(error?.code == .unknownTopicOrPartition, "\(String(describing: error))")
        } else {
            let error = try await within(.seconds(15), "a missing topic on errors") { () -> KafkaError? in
                for await error in errors where error.librdkafkaCode == .unknownTopicOrPartition { return error }
                return nil
            }
            #expect(error?.code == .unknownTopicOrPartition)
        }
        await consumer.close()
    }

    /// Nothing listens on the port: `errors` reports the refused connection at once (bound
    /// 5 s), and with `failAfterBrokersDown` of 3 s the loop throws `_ALL_BROKERS_DOWN` (bound 15 s).
    @Test func nothingListening() async throws {
        var configuration = Clients.consumer("127.0.0.1:\(try freeLoopbackPort())")
        configuration.failAfterBrokersDown = .seconds(3)
        let consumer = try KafkaConsumer(configuration: configuration, logger: quietLogger)
        let errors = consumer.errors
        try await consumer.subscribe(to: ["nowhere"])
        let reported = try await within(.seconds(5), "a refused connection on errors") { () -> KafkaError? in
            for await error in errors where error.librdkafkaCode == .transport || error.librdkafkaCode == .allBrokersDown {
                return error
            }
            return nil
        }
        #expect(reported != nil)
        let ended = try await within(.seconds(15), "the loop ending with all brokers down") {
            await attempt { () throws(KafkaError) in for try await _ in consumer.messages {} }.failure
        }
        #expect(ended?.librdkafkaCode == .allBrokersDown, "\(String(describing: ended))")
        await consumer.close()
    }
}
