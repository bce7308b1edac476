import Foundation
import Testing

/// The README's tutorial, run as a user would: the built `ProducerExample` and `ConsumerExample`
/// executables against a real broker.
@Suite(.enabled(if: Integration.enabled && Integration.examplesFolder != nil, "needs ASYNCKAFKA_TEST_BROKERS and ASYNCKAFKA_EXAMPLES_BIN"))
struct TutorialFlowTests {
    /// 10 messages from `ProducerExample` arrive at `ConsumerExample` (a new group, earliest reset).
    /// Bounded: the producer in 60 s, the consumer in 90 s (its group join alone is held 22.5 s by
    /// Tansu with the example's default 45 s session timeout).
    @Test func producerExampleToConsumerExample() async throws {
        let folder = Integration.examplesFolder!
        let topic = Unique.name("tutorial")
        let group = Unique.name("tutorial-group")
        let servers = Integration.bootstrapServers

        let producerLog = NSTemporaryDirectory() + "\(topic)-producer.log"
        defer { unlink(producerLog) }
        let producer = try ExternalProcess(
            executable: folder + "/ProducerExample",
            arguments: ["--bootstrap-servers", servers, "--topic", topic, "--count", "10", "--message", "hello"],
            logPath: producerLog
        )
        let producerStatus = await producer.exitStatus(within: .seconds(60))
        #expect(producerStatus == 0, "ProducerExample: \(producer.log)")
        let deliveries = producer.log.split(separator: "\n").filter { $0.hasPrefix("delivered \(topic)[") }
        #expect(deliveries.count == 10, "ProducerExample: \(producer.log)")

        let consumerLog = NSTemporaryDirectory() + "\(topic)-consumer.log"
        defer { unlink(consumerLog) }
        let consumer = try ExternalProcess(
            executable: folder + "/ConsumerExample",
            arguments: ["--bootstrap-servers", servers, "--topic", topic, "--group", group, "--count", "10"],
            logPath: consumerLog
        )
        let consumerStatus = await consumer.exitStatus(within: .seconds(90))
        #expect(consumerStatus == 0, "ConsumerExample: \(consumer.log)")
        let values = consumer.log.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("\(topic)["), let colon = line.range(of: ": ") else { return nil }
            return String(line[colon.upperBound...])
        }
        #expect(Set(values) == Set((0..<10).map { "hello \($0)" }), "ConsumerExample: \(consumer.log)")
        #expect(values.count == 10)
        #expect(consumer.log.contains("consumer closed"))
    }
}
